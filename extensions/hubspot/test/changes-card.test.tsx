/**
 * "Recent changes" on the Concord card, rendered with @hubspot/ui-extensions/testing against a
 * fake `hubspot.fetch`: the account's latest changes are asked for beside the view (not after
 * it), shown newest first with their source and time, what an automation did tagged
 * "Automation"; an account without history says so; a failed read leaves the rest of the card
 * standing; Refresh reads them again. The lines are the broker's saved history of Acme
 * (test/fixtures/concord/audit.json) as the card endpoint answers them (without the actor).
 */
import { Heading, LoadingButton, LoadingSpinner, StatisticsItem, Tag, Text } from '@hubspot/ui-extensions';
import type { CrmContext } from '@hubspot/ui-extensions';
import { RenderedNodeType, createRenderer } from '@hubspot/ui-extensions/testing';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { AccountReviewCard } from '../src/app/cards/AccountReviewCard.tsx';
import { createBrokerClient } from '../src/app/cards/lib/broker-client.ts';
import { acmeView } from './fixtures/account-view.ts';
import { createFakeFetcher, type Reply } from './fake-fetcher.ts';

const CHANGES_PATH = '/v1/cards/hubspot/changes';

interface SavedItem {
  at: string;
  actor: string;
  action: string;
  source: string;
  summary: string;
}

/** The broker's saved history of Acme, as the card endpoint answers it: `{items:[{at, source, action, summary}], next}`. */
function savedChanges(): { items: Omit<SavedItem, 'actor'>[]; next: string | null } {
  const saved = JSON.parse(readFileSync(new URL('../../../test/fixtures/concord/audit.json', import.meta.url), 'utf8')) as { items: SavedItem[] };
  return { items: saved.items.map(({ at, source, action, summary }) => ({ at, source, action, summary })), next: null };
}

function setup(changes: Reply | ((n: number) => Reply), objectTypeId = '0-2') {
  const renderer = createRenderer('crm.record.tab');
  const fake = createFakeFetcher();
  fake.route(CHANGES_PATH, changes);
  const context: CrmContext = { ...renderer.mocks.context, crm: { objectTypeId, objectId: 1000123 } };
  const start = () => renderer.render(<AccountReviewCard context={context} actions={renderer.mocks.actions} fetcher={fake.fetcher} now={() => new Date('2026-11-26T06:02:00Z')} />);
  const waitFor = (check: () => void) => renderer.waitFor(check, { timeoutInMs: 5000 });
  return { ...renderer, waitFor, fake, start };
}

interface TextTree {
  nodeType: RenderedNodeType;
  text: string | null;
  childNodes?: TextTree[];
}
function textOf(node: TextTree): string {
  if (node.nodeType === RenderedNodeType.Text) return node.text ?? '';
  return (node.childNodes ?? []).map(textOf).join(' ');
}
const textById = (r: ReturnType<typeof setup>, id: string) => {
  const node = r.maybeFindByTestId(Text, id);
  return node ? textOf(node as unknown as TextTree) : null;
};

describe('recent changes on the card', () => {
  it('are asked for beside the view, and shown newest first with their source, automations tagged', async () => {
    const r = setup({ status: 200, json: savedChanges() });
    const release = r.fake.replyLater({ status: 200, json: acmeView() });
    r.start();
    // The changes request went out while the view is still on its way: in parallel, not after it.
    // (vi.waitFor polls: the card's screen does not change while the view is held, so the renderer's waitFor would not look again.)
    await vi.waitFor(() => expect(r.fake.routed).toHaveLength(1));
    expect(r.maybeFind(StatisticsItem, { id: 'ar-open' })).toBeNull();
    expect(r.fake.routed[0]!.url).toBe(`https://concord.example.com${CHANGES_PATH}?objectType=companies&objectId=1000123&limit=5`);
    expect(r.fake.routed[0]!.options).toMatchObject({ method: 'GET', timeout: 10_000 });
    release();

    await r.waitFor(() => expect(textById(r, 'change-0')).not.toBeNull());
    expect(r.findAll(Heading).map((h) => textOf(h as unknown as TextTree))).toContain('Recent changes');
    expect(textById(r, 'change-0')).toBe('HubSpot company name changed to "Acme Analytics"');
    expect(textById(r, 'change-source-0')).toBe('HubSpot · Nov 25, 2026, 4:04 PM UTC');
    expect(textById(r, 'change-1')).toBe('Support review task raised in the CRM: health fell from 78 to 64');
    expect(textById(r, 'change-source-1')).toBe('Concord automation · Nov 25, 2026, 9:30 AM UTC');
    expect(textById(r, 'change-2')).toBe('Invoice INV-000901: 4,200.00 USD still due after a payment in NetSuite');
    expect(textById(r, 'change-source-2')).toBe('NetSuite · Nov 25, 2026, 9:30 AM UTC');
    expect(textById(r, 'change-source-4')).toBe('Concord · Nov 24, 2026, 9:11 AM UTC');
    // Only the automation's line carries the tag.
    const tags = r.findAll(Tag).filter((t) => textOf(t as unknown as TextTree) === 'Automation');
    expect(tags).toHaveLength(1);
    expect(tags[0]!.props).toMatchObject({ variant: 'info', testId: 'change-automation-1' });
    expect(r.fake.calls).toHaveLength(1);
  });

  it('say "No changes recorded yet" for an account without history', async () => {
    const r = setup({ status: 200, json: { items: [], next: null } });
    r.fake.reply({ status: 200, json: acmeView() });
    r.start();
    await r.waitFor(() => expect(textById(r, 'changes-empty')).toBe('No changes recorded yet'));
    expect(r.maybeFindByTestId(Text, 'change-0')).toBeNull();
  });

  it('say why they could not be read, and the rest of the card stays', async () => {
    const r = setup({ status: 503, json: { title: 'Service Unavailable', status: 503, code: 'upstream_unavailable' } });
    r.fake.reply({ status: 200, json: acmeView() });
    r.start();
    await r.waitFor(() => expect(textById(r, 'changes-error')).not.toBeNull());
    expect(textById(r, 'changes-error')).toBe("Recent changes could not be loaded. Concord could not load this account's recent changes right now. Try again in a moment.");
    expect(r.find(StatisticsItem, { id: 'ar-open' }).props.number).toBe('$12,500.00');
    expect(r.maybeFind(LoadingSpinner)).toBeNull();
  });

  it('are read again on Refresh, with what happened since', async () => {
    const saved = savedChanges();
    const paid = { at: '2026-11-26T06:01:00.000Z', source: 'NetSuite', action: 'erp.record.changed', summary: 'Invoice INV-000901 paid in NetSuite' };
    const r = setup((n) => ({ status: 200, json: n === 0 ? saved : { items: [paid, ...saved.items].slice(0, 5), next: null } }));
    r.fake.reply({ status: 200, json: acmeView() });
    r.start();
    await r.waitFor(() => expect(textById(r, 'change-0')).toBe('HubSpot company name changed to "Acme Analytics"'));
    r.fake.reply({ status: 200, json: acmeView() });
    r.findByTestId(LoadingButton, 'refresh').trigger('onClick');
    await r.waitFor(() => expect(textById(r, 'change-0')).toBe('Invoice INV-000901 paid in NetSuite'));
    expect(textById(r, 'change-source-0')).toBe('NetSuite · Nov 26, 2026, 6:01 AM UTC');
    expect(r.fake.routed).toHaveLength(2);
  });

  it('are asked for on a deal as well, by the deal', async () => {
    const r = setup({ status: 200, json: savedChanges() }, '0-3');
    r.fake.reply({ status: 200, json: acmeView() });
    r.fake.reply({ status: 200, json: { order: null } });
    r.start();
    await r.waitFor(() => expect(textById(r, 'change-0')).not.toBeNull());
    expect(r.fake.routed[0]!.url).toBe(`https://concord.example.com${CHANGES_PATH}?objectType=deals&objectId=1000123&limit=5`);
  });
});

describe('broker client: changes', () => {
  it('reads an unlinked record as not linked, and an answer of another shape as an error', async () => {
    const fake = createFakeFetcher();
    const client = createBrokerClient(fake.fetcher);
    fake.reply({ status: 404, json: { title: 'Not Found', status: 404, code: 'account_not_linked' } });
    expect(await client.getChanges('companies', '1')).toEqual({ kind: 'not_linked' });
    fake.reply({ status: 200, json: { items: [{ at: '2026-11-25T16:04:00.000Z', summary: 'no source' }], next: null } });
    expect(await client.getChanges('companies', '1')).toMatchObject({ kind: 'error', error: { code: 'invalid_changes' } });
    fake.reply({ throws: 'offline' });
    expect(await client.getChanges('companies', '1')).toMatchObject({ kind: 'error', error: { code: 'network' } });
  });
});
