/**
 * What the sandbox's Vitally holds for an account, read over its REST API the way any client
 * would (Basic auth with a sandbox key), so view tests can pick the accounts they need by
 * property ("a Vitally account without an onboarding project") instead of by position in a
 * randomly ordered list. Works from Node and from inside workerd (plain fetch).
 */

/** The Vitally facts a view's CS sections depend on. */
export interface VitallyFacts {
  projects: number;
  healthScores: number;
  /** Open or pending conversations (what the view lists as escalations). */
  openConversations: number;
  /** The newest health score (Vitally's 0-10 scale), null without any. */
  latestScore: number | null;
}

/** A minimal account as the broker lists it. */
export interface LinkedAccount {
  id: string;
  name: string;
  links: { system: string; externalId: string }[];
}

async function vitallyKey(sandboxUrl: string, tenant: string): Promise<string> {
  const res = await fetch(`${sandboxUrl}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'vitally', tenant }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Counts of the account's projects, health scores and open conversations in the sandbox's Vitally. */
export async function vitallyFacts(sandboxUrl: string, tenant: string, vitallyAccountId: string, key?: string): Promise<VitallyFacts> {
  const auth = `Basic ${btoa(`${key ?? (await vitallyKey(sandboxUrl, tenant))}:`)}`;
  const list = async (what: string) => {
    const res = await fetch(`${sandboxUrl}/vitally/resources/accounts/${encodeURIComponent(vitallyAccountId)}/${what}?limit=100`, { headers: { authorization: auth } });
    if (!res.ok) throw new Error(`vitally ${what} of ${vitallyAccountId}: ${res.status}`);
    return ((await res.json()) as { results: { status?: string; date?: string; score?: number }[] }).results;
  };
  const [projects, healthScores, conversations] = await Promise.all([list('projects'), list('healthScores'), list('conversations')]);
  return {
    projects: projects.length,
    healthScores: healthScores.length,
    openConversations: conversations.filter((c) => c.status === 'open' || c.status === 'pending').length,
    latestScore: [...healthScores].sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '')).at(-1)?.score ?? null,
  };
}

/**
 * The first account (in id order, so the choice does not depend on list order) linked to
 * NetSuite and Vitally whose Vitally facts satisfy `wanted`; throws when the seed has none.
 */
export async function findByVitallyFacts(
  sandboxUrl: string,
  tenant: string,
  accounts: readonly LinkedAccount[],
  wanted: (facts: VitallyFacts) => boolean,
  exclude: ReadonlySet<string> = new Set(),
): Promise<{ account: LinkedAccount; facts: VitallyFacts }> {
  const key = await vitallyKey(sandboxUrl, tenant);
  const candidates = accounts
    .filter((a) => !exclude.has(a.id) && a.links.some((l) => l.system === 'netsuite') && a.links.some((l) => l.system === 'vitally'))
    .sort((a, b) => a.id.localeCompare(b.id));
  for (const account of candidates) {
    const facts = await vitallyFacts(sandboxUrl, tenant, account.links.find((l) => l.system === 'vitally')!.externalId, key);
    if (wanted(facts)) return { account, facts };
  }
  throw new Error('no seeded account has the Vitally facts this test needs');
}
