/**
 * The card's only door to the broker: loads the AccountView, the account's latest changes and a
 * deal's ERP order, creates follow-up tasks and retries a blocked or failed order.
 *
 * It takes the fetch function as a parameter (production passes `hubspot.fetch`, which signs
 * each request with X-HubSpot-Signature-v3 and appends portalId/userId/userEmail/appId; tests
 * pass a fake), and turns every outcome into a tagged result, so display code never sees a
 * thrown error, a raw Response or unchecked JSON.
 */
import type { HubSpotFetchOptions } from '@hubspot/ui-extensions';
import { z } from 'zod';
import { AccountView } from './account-view.ts';
import { BROKER_URL, FETCH_TIMEOUT_MS } from './config.ts';
import { ChangesAnswer, CHANGES_SHOWN, type ChangeItem } from './changes.ts';
import { OrderAnswer, type Order } from './order.ts';

/** The `hubspot.fetch` signature; injected so the card is testable without HubSpot. */
export type CardFetcher = (url: string, options?: HubSpotFetchOptions) => Promise<Response>;

/** CRM object types the card is configured for (account-review-hsmeta.json `objectTypes`). */
export type CardObjectType = 'companies' | 'deals';

/** A failure the card can show: a stable code plus a sentence safe to put in front of a user. */
export interface CardError {
  code: string;
  message: string;
  status?: number;
}

/** Outcome of loading the account view. */
export type ViewResult =
  | { kind: 'ok'; view: AccountView }
  | { kind: 'not_linked'; message: string | null }
  | { kind: 'error'; error: CardError };

/** Outcome of loading the account's latest changes (newest first). */
export type ChangesResult =
  | { kind: 'ok'; items: ChangeItem[] }
  | { kind: 'not_linked' }
  | { kind: 'error'; error: CardError };

/** Outcome of creating a follow-up task. */
export type TaskResult = { kind: 'ok'; taskId: string | null } | { kind: 'error'; error: CardError };

/** Outcome of loading or retrying a deal's order: `order` is null when the deal was never closed won. */
export type OrderResult = { kind: 'ok'; order: Order | null } | { kind: 'error'; error: CardError };

/** Body of `POST /v1/cards/hubspot/tasks`. */
export interface FollowUpTask {
  objectType: CardObjectType;
  objectId: string;
  subject: string;
  /** YYYY-MM-DD */
  dueDate: string;
}

/** The service the card component depends on. */
export interface BrokerClient {
  getView(objectType: CardObjectType, objectId: string, opts?: { refresh?: boolean }): Promise<ViewResult>;
  /** The latest changes of the record's account, each with its source. */
  getChanges(objectType: CardObjectType, objectId: string): Promise<ChangesResult>;
  createTask(task: FollowUpTask): Promise<TaskResult>;
  /** The ERP order of a deal (its closed-won run). */
  getOrder(dealId: string): Promise<OrderResult>;
  /** Retry a blocked or failed order; answers the order as it is now. */
  retryOrder(dealId: string): Promise<OrderResult>;
}

/** RFC 9457 problem details as the broker sends them; every field optional on the reading side. */
const Problem = z.looseObject({
  code: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  status: z.number().optional(),
});
type Problem = z.infer<typeof Problem>;

const TaskCreated = z.looseObject({ id: z.union([z.string(), z.number()]).optional() });

const NETWORK_ERROR: CardError = {
  code: 'network',
  message: 'Concord could not be reached. Check your connection and try again.',
};

async function readJson(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

/**
 * Maps a non-2xx answer to a CardError. Server-side (5xx) details stay generic: the broker
 * logs them under the correlation id, and they can name upstream systems or internals.
 */
function problemToError(res: Response, body: unknown): CardError {
  const parsed = Problem.safeParse(body);
  const problem: Problem = parsed.success ? parsed.data : {};
  const code = problem.code ?? `http_${res.status}`;
  if (res.status === 401 || res.status === 403) {
    return { code, status: res.status, message: 'Concord could not verify this request from HubSpot. Reinstalling the app may help.' };
  }
  if (res.status === 429) {
    return { code, status: res.status, message: 'Concord is busy right now. Try again in a few seconds.' };
  }
  if (res.status >= 500) {
    return { code, status: res.status, message: 'Concord had a problem loading this account. Try again in a moment.' };
  }
  return { code, status: res.status, message: problem.detail ?? problem.title ?? 'The request was not accepted.' };
}

/**
 * Builds the broker client.
 * @param fetcher `hubspot.fetch` in production, a fake in tests.
 * @param baseUrl broker base URL (defaults to BROKER_URL).
 */
export function createBrokerClient(fetcher: CardFetcher, baseUrl: string = BROKER_URL): BrokerClient {
  /** One order request: the answer checked against the order shape, every failure a CardError. */
  async function orderCall(url: string, options: HubSpotFetchOptions): Promise<OrderResult> {
    let res: Response;
    try {
      res = await fetcher(url, { timeout: FETCH_TIMEOUT_MS, ...options });
    } catch {
      return { kind: 'error', error: NETWORK_ERROR };
    }
    const body = await readJson(res);
    if (!res.ok) {
      const error = problemToError(res, body);
      return { kind: 'error', error: res.status >= 500 ? { ...error, message: "Concord could not load this deal's order right now. Try again in a moment." } : error };
    }
    const parsed = OrderAnswer.safeParse(body);
    if (!parsed.success) {
      return { kind: 'error', error: { code: 'invalid_order', status: res.status, message: 'Concord sent order data this card cannot read. Updating the app may help.' } };
    }
    return { kind: 'ok', order: parsed.data.order };
  }

  return {
    async getView(objectType, objectId, opts = {}) {
      const query = new URLSearchParams({ objectType, objectId });
      if (opts.refresh) query.set('refresh', '1');
      let res: Response;
      try {
        res = await fetcher(`${baseUrl}/v1/cards/hubspot/view?${query.toString()}`, { method: 'GET', timeout: FETCH_TIMEOUT_MS });
      } catch {
        return { kind: 'error', error: NETWORK_ERROR };
      }
      const body = await readJson(res);
      if (!res.ok) {
        const error = problemToError(res, body);
        if (res.status === 404 && error.code === 'account_not_linked') {
          const problem = Problem.safeParse(body);
          return { kind: 'not_linked', message: problem.success ? (problem.data.detail ?? null) : null };
        }
        return { kind: 'error', error };
      }
      const view = AccountView.safeParse(body);
      if (!view.success) {
        return {
          kind: 'error',
          error: { code: 'invalid_view', status: res.status, message: 'Concord sent account data this card cannot read. Updating the app may help.' },
        };
      }
      return { kind: 'ok', view: view.data };
    },

    async getChanges(objectType, objectId) {
      const query = new URLSearchParams({ objectType, objectId, limit: String(CHANGES_SHOWN) });
      let res: Response;
      try {
        res = await fetcher(`${baseUrl}/v1/cards/hubspot/changes?${query.toString()}`, { method: 'GET', timeout: FETCH_TIMEOUT_MS });
      } catch {
        return { kind: 'error', error: NETWORK_ERROR };
      }
      const body = await readJson(res);
      if (!res.ok) {
        const error = problemToError(res, body);
        if (res.status === 404 && error.code === 'account_not_linked') return { kind: 'not_linked' };
        return { kind: 'error', error: res.status >= 500 ? { ...error, message: "Concord could not load this account's recent changes right now. Try again in a moment." } : error };
      }
      const parsed = ChangesAnswer.safeParse(body);
      if (!parsed.success) {
        return { kind: 'error', error: { code: 'invalid_changes', status: res.status, message: 'Concord sent changes this card cannot read. Updating the app may help.' } };
      }
      return { kind: 'ok', items: parsed.data.items };
    },

    async createTask(task) {
      let res: Response;
      try {
        res = await fetcher(`${baseUrl}/v1/cards/hubspot/tasks`, {
          method: 'POST',
          timeout: FETCH_TIMEOUT_MS,
          body: { ...task },
        });
      } catch {
        return { kind: 'error', error: NETWORK_ERROR };
      }
      const body = await readJson(res);
      if (!res.ok) return { kind: 'error', error: problemToError(res, body) };
      const created = TaskCreated.safeParse(body);
      const id = created.success ? created.data.id : undefined;
      return { kind: 'ok', taskId: id === undefined ? null : String(id) };
    },

    getOrder(dealId) {
      const query = new URLSearchParams({ objectType: 'deals', objectId: dealId });
      return orderCall(`${baseUrl}/v1/cards/hubspot/order?${query.toString()}`, { method: 'GET' });
    },

    retryOrder(dealId) {
      return orderCall(`${baseUrl}/v1/cards/hubspot/orders/retry`, { method: 'POST', body: { objectType: 'deals', objectId: dealId } });
    },
  };
}
