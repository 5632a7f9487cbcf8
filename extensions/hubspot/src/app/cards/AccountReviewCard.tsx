/**
 * Entry point of the Concord app card (crm.record.tab on companies and deals).
 *
 * `AccountReviewCard` owns the card's state (loading → data | not linked | error), the account's
 * recent changes (read in parallel with the view), on a deal also the deal's ERP order (polled
 * while it is being created), and its actions (Refresh, Create
 * follow-up task, Retry a blocked or failed order); everything it shows is drawn by the pure
 * components in ./components. The broker is reached only through an injected BrokerClient built
 * on `hubspot.fetch`, so tests can run the real component against a fake fetcher.
 */
import { Divider, Flex, hubspot } from '@hubspot/ui-extensions';
import type { CrmContext, ExtensionPointApiActions } from '@hubspot/ui-extensions';
import { useCallback, useEffect, useRef, useState } from 'react';
import { AccountReviewView } from './components/AccountReviewView.tsx';
import { ErrorView, LoadingView, NotLinkedView, UnsupportedObjectView } from './components/CardStates.tsx';
import { OrderSection, OrderUnavailable } from './components/OrderSection.tsx';
import type { AccountView } from './lib/account-view.ts';
import { createBrokerClient } from './lib/broker-client.ts';
import type { BrokerClient, CardError, CardFetcher, CardObjectType } from './lib/broker-client.ts';
import { DEFAULT_LOCALE, addDaysIso, formatDate, riskReasonLabel } from './lib/format.ts';
import type { Order } from './lib/order.ts';
import type { ChangesState } from './components/RecentChanges.tsx';

/** While a deal's order is being created, the card asks for its state this often. */
export const ORDER_POLL_MS = 3_000;

/** A follow-up task is due this many days after it is created. */
export const FOLLOW_UP_DUE_DAYS = 3;

/** HubSpot object type ids of the records the card is configured for (account-review-hsmeta.json). */
const OBJECT_TYPES: Record<string, CardObjectType> = {
  '0-2': 'companies',
  '0-3': 'deals',
};

/** The card object type for a HubSpot objectTypeId, or null when the card does not support it. */
export function cardObjectType(objectTypeId: string): CardObjectType | null {
  return OBJECT_TYPES[objectTypeId] ?? null;
}

/** Props of {@link AccountReviewCard}. */
export interface AccountReviewCardProps {
  context: CrmContext;
  actions: Pick<ExtensionPointApiActions<'crm.record.tab'>, 'addAlert'>;
  /** `hubspot.fetch` in production; tests inject a fake. Ignored when `client` is given. Read once, at mount. */
  fetcher?: CardFetcher;
  /** A ready-made broker service (read once, at mount). */
  client?: BrokerClient;
  /** Clock for the task due date; injectable so tests are deterministic. */
  now?: () => Date;
  /** How often a deal's order is re-read while it is being created (tests shorten it). */
  orderPollMs?: number;
}

type CardState =
  | { status: 'loading' }
  | { status: 'ready'; view: AccountView }
  | { status: 'not_linked'; detail: string | null }
  | { status: 'error'; error: CardError };

/** A deal's order: not asked yet, its state (null: never closed won), or why it could not be read. */
type OrderCardState = { status: 'loading' } | { status: 'ready'; order: Order | null } | { status: 'error'; error: CardError };

/** Subject of the follow-up task: the account and, when there is one, its main risk reason. */
export function followUpSubject(view: AccountView): string {
  const reason = view.risk?.reasons[0];
  return `Follow up with ${view.account.name}${reason ? `: ${riskReasonLabel(reason).toLowerCase()}` : ''}`;
}

/** The stateful card: loads the view on mount and wires Refresh and Create follow-up task. */
export function AccountReviewCard({ context, actions, fetcher = hubspot.fetch, client, now = () => new Date(), orderPollMs = ORDER_POLL_MS }: AccountReviewCardProps) {
  // Read the service once: a new fetcher identity on every render (an inline arrow) must not
  // re-trigger the load effect, or the card would fetch in a loop.
  const [broker] = useState<BrokerClient>(() => client ?? createBrokerClient(fetcher));
  const actionsRef = useRef(actions);
  actionsRef.current = actions;
  const objectType = cardObjectType(context.crm.objectTypeId);
  const objectId = String(context.crm.objectId);
  const locale = context.user.locale ?? DEFAULT_LOCALE;

  const [state, setState] = useState<CardState>({ status: 'loading' });
  const [refreshing, setRefreshing] = useState(false);
  const [creatingTask, setCreatingTask] = useState(false);
  // Only the latest load may update the card: a slow first load must not overwrite a refresh.
  const loadSeq = useRef(0);
  const stateRef = useRef(state);
  stateRef.current = state;

  /**
   * Loads the view. `keepOnError` is the Refresh button: figures already on screen stay there
   * and an alert says the refresh failed, instead of replacing the card with an error page.
   */
  const load = useCallback(
    async (refresh: boolean, keepOnError: boolean) => {
      if (!objectType) return;
      const seq = ++loadSeq.current;
      const result = await broker.getView(objectType, objectId, { refresh });
      if (seq !== loadSeq.current) return;
      if (result.kind === 'ok') {
        setState({ status: 'ready', view: result.view });
      } else if (result.kind === 'not_linked') {
        setState({ status: 'not_linked', detail: result.message });
      } else if (keepOnError && stateRef.current.status === 'ready') {
        actionsRef.current.addAlert({ type: 'danger', title: 'Refresh failed', message: result.error.message });
      } else {
        setState({ status: 'error', error: result.error });
      }
    },
    [broker, objectType, objectId],
  );

  const [changes, setChanges] = useState<ChangesState>({ status: 'loading' });
  const changesSeq = useRef(0);

  /**
   * Reads the account's latest changes. Asked together with the view, never after it, so the
   * card waits for the slower of the two, not their sum. A failed re-read keeps the list shown.
   */
  const loadChanges = useCallback(async () => {
    if (!objectType) return;
    const seq = ++changesSeq.current;
    const result = await broker.getChanges(objectType, objectId);
    if (seq !== changesSeq.current) return;
    if (result.kind === 'ok') setChanges({ status: 'ready', items: result.items });
    // Not linked: the view says so for the whole card; the list has nothing to add.
    else if (result.kind === 'not_linked') setChanges({ status: 'ready', items: [] });
    else setChanges((current) => (current.status === 'ready' ? current : { status: 'error', error: result.error }));
  }, [broker, objectType, objectId]);

  const isDeal = objectType === 'deals';
  const [order, setOrder] = useState<OrderCardState>({ status: 'loading' });
  const [retryingOrder, setRetryingOrder] = useState(false);
  const orderSeq = useRef(0);

  /** Reads the deal's order; a failed re-read keeps the order already shown. */
  const loadOrder = useCallback(async () => {
    if (!isDeal) return;
    const seq = ++orderSeq.current;
    const result = await broker.getOrder(objectId);
    if (seq !== orderSeq.current) return;
    if (result.kind === 'ok') setOrder({ status: 'ready', order: result.order });
    else setOrder((current) => (current.status === 'ready' ? current : { status: 'error', error: result.error }));
  }, [broker, isDeal, objectId]);

  useEffect(() => {
    void load(false, false);
    void loadChanges();
    void loadOrder();
  }, [load, loadChanges, loadOrder]);

  // While the order is being created, ask again until it is created, blocked or failed.
  const creating = order.status === 'ready' && order.order?.state === 'creating';
  useEffect(() => {
    if (!creating) return;
    const timer = setTimeout(() => void loadOrder(), orderPollMs);
    return () => clearTimeout(timer);
  }, [creating, order, loadOrder, orderPollMs]);

  const retryOrder = useCallback(async () => {
    if (retryingOrder) return;
    setRetryingOrder(true);
    try {
      const result = await broker.retryOrder(objectId);
      if (result.kind === 'ok') {
        orderSeq.current++;
        setOrder({ status: 'ready', order: result.order });
        actionsRef.current.addAlert({ type: 'info', title: 'Retry started', message: 'Concord is checking the deal again and creating the order.' });
      } else {
        actionsRef.current.addAlert({ type: 'danger', title: 'Retry failed', message: result.error.message });
      }
    } finally {
      setRetryingOrder(false);
    }
  }, [broker, objectId, retryingOrder]);

  // Retrying after an error or a "not linked" answer bypasses the broker's cache.
  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setChanges({ status: 'loading' });
    void load(true, false);
    void loadChanges();
  }, [load, loadChanges]);

  const refresh = useCallback(async () => {
    setRefreshing(true);
    try {
      await Promise.all([load(true, true), loadChanges(), ...(isDeal ? [loadOrder()] : [])]);
    } finally {
      setRefreshing(false);
    }
  }, [load, loadChanges, loadOrder, isDeal]);

  const createTask = useCallback(async () => {
    if (state.status !== 'ready' || !objectType || creatingTask) return;
    const subject = followUpSubject(state.view);
    const dueDate = addDaysIso(now(), FOLLOW_UP_DUE_DAYS);
    setCreatingTask(true);
    try {
      const result = await broker.createTask({ objectType, objectId, subject, dueDate });
      if (result.kind === 'ok') {
        actionsRef.current.addAlert({ type: 'success', title: 'Follow-up task created', message: `"${subject}" is due ${formatDate(dueDate, locale)}.` });
      } else {
        actionsRef.current.addAlert({ type: 'danger', title: 'Task not created', message: result.error.message });
      }
    } finally {
      setCreatingTask(false);
    }
  }, [state, objectType, objectId, creatingTask, broker, now, locale]);

  if (!objectType) return <UnsupportedObjectView objectTypeId={context.crm.objectTypeId} />;
  // A deal's order shows above the account, whatever state the account view is in (a deal of a
  // company new to the ERP has an order before it has an account).
  const orderPart =
    order.status === 'ready' && order.order ? (
      <OrderSection order={order.order} locale={locale} retrying={retryingOrder} onRetry={() => void retryOrder()} />
    ) : order.status === 'error' && isDeal ? (
      <OrderUnavailable error={order.error} />
    ) : null;
  const main = (() => {
    switch (state.status) {
      case 'loading':
        return <LoadingView />;
      case 'not_linked':
        return <NotLinkedView recordLabel={objectType === 'deals' ? 'deal' : 'company'} detail={state.detail} onRetry={retry} />;
      case 'error':
        return <ErrorView error={state.error} onRetry={retry} />;
      case 'ready':
        return (
          <AccountReviewView
            view={state.view}
            changes={changes}
            locale={locale}
            refreshing={refreshing}
            creatingTask={creatingTask}
            onRefresh={() => void refresh()}
            onCreateTask={() => void createTask()}
          />
        );
    }
  })();
  if (!orderPart) return main;
  return (
    <Flex direction="column" gap="md">
      {orderPart}
      <Divider />
      {main}
    </Flex>
  );
}

hubspot.extend<'crm.record.tab'>(({ context, actions }) => (
  <AccountReviewCard context={context} actions={actions} fetcher={hubspot.fetch} />
));
