/**
 * The physical limit of a cold view on this machine: the upstream calls the broker makes for one
 * account (worker/connectors: NetSuite's one SuiteQL snapshot, Vitally's health scores, projects,
 * tasks and conversations, plus the account itself when it has no score history, which needs the
 * first answer) issued all at once straight at the sandbox, plus one GET /health through
 * wrangler dev (what any request costs there). Nothing a broker does can answer faster.
 *
 * These direct calls would spend the tenant's Vitally budget (1,000/min at the sandbox) that the
 * broker's own calls are measured against, so they run as a phase of their own, with the
 * sandbox clock moved on a window before and after (`POST /__sandbox/clock`): neither side's
 * figures then include the other's rate limiting.
 */
import { netsuiteDescriptor } from '../../worker/connectors/netsuite/descriptor.js';
import { suiteqlQueries } from '../../worker/connectors/netsuite/queries.js';
import { vitallyDescriptor } from '../../worker/connectors/vitally/descriptor.js';
import { timed } from './stats.js';

export interface DirectTokens {
  netsuite: string;
  vitally: string;
}

export async function sandboxTokens(sandbox: string, tenant = 'demo'): Promise<DirectTokens> {
  const token = async (vendor: string) => {
    const res = await fetch(`${sandbox}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, tenant }) });
    return ((await res.json()) as { accessToken: string }).accessToken;
  };
  return { netsuite: await token('netsuite'), vitally: await token('vitally') };
}

/** The upstream calls of one cold view, all started at once; resolves when the last one answers. */
export async function upstreamAllAtOnce(sandbox: string, tokens: DirectTokens, customerId: string, vitallyId: string): Promise<void> {
  const ok = async (res: Response) => {
    const text = await res.text();
    if (!res.ok) throw new Error(`direct call: ${res.status} ${text.slice(0, 200)}`);
    return text;
  };
  const vitally = (path: string) =>
    fetch(`${sandbox}/vitally/resources/accounts/${encodeURIComponent(vitallyId)}${path}`, { headers: { authorization: `Basic ${Buffer.from(`${tokens.vitally}:`).toString('base64')}`, accept: 'application/json' } }).then(ok);
  const page = `?limit=${vitallyDescriptor.pageSize}`;
  await Promise.all([
    fetch(`${sandbox}/netsuite${netsuiteDescriptor.suiteqlPath}?limit=${netsuiteDescriptor.suiteqlPageSize}&offset=0`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.netsuite}`, 'content-type': 'application/json', accept: 'application/json', prefer: 'transient' },
      body: JSON.stringify({ q: suiteqlQueries.accountSnapshot(customerId) }),
    }).then(ok),
    vitally(`/healthScores${page}`).then(async (text) => {
      // No score history: the connector reads the account itself (after the first answer).
      if ((JSON.parse(text) as { results: unknown[] }).results.length === 0) await vitally('');
    }),
    vitally(`/projects${page}`),
    vitally(`/tasks${page}`),
    vitally(`/conversations${page}`),
  ]);
}

/** One sample of the limit: a wrangler dev round trip plus the account's upstream calls at once. */
export async function limitSample(broker: string, sandbox: string, tokens: DirectTokens, customerId: string, vitallyId: string): Promise<number> {
  const [floor] = await timed(() => fetch(`${broker}/health`).then((r) => r.arrayBuffer()));
  const [upstream] = await timed(() => upstreamAllAtOnce(sandbox, tokens, customerId, vitallyId));
  return floor + upstream;
}

async function shiftSandboxClock(sandbox: string, ms: number): Promise<void> {
  const { offsetMs } = (await (await fetch(`${sandbox}/__sandbox/clock`)).json()) as { offsetMs: number };
  const res = await fetch(`${sandbox}/__sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetMs: offsetMs + ms }) });
  if (!res.ok) throw new Error(`clock: ${res.status}`);
}

/** One limit sample per account, in a phase of their own (see the module comment). */
export async function limitPhase(broker: string, sandbox: string, accounts: { netsuite: string; vitally: string }[]): Promise<number[]> {
  const tokens = await sandboxTokens(sandbox);
  await shiftSandboxClock(sandbox, 61_000);
  const samples: number[] = [];
  for (const a of accounts) samples.push(await limitSample(broker, sandbox, tokens, a.netsuite, a.vitally));
  await shiftSandboxClock(sandbox, 61_000);
  return samples;
}
