/**
 * The source and line an account's history shows for each kind of audit entry (services/
 * audit-summary.ts): what the panel and both cards print next to every change.
 */
import { describe, expect, it } from 'vitest';
import { sourceOfAudit, summarizeAudit } from '../../worker/services/audit-summary.js';

const row = (action: string, actor: string, after: unknown, entityType = 'account') => ({ action, actor, entityType, entityId: 'acc_1', after });

describe('history sources', () => {
  it('names the ERP or CS system a change line was read from, whoever saved it', () => {
    expect(sourceOfAudit(row('erp.record.changed', 'netsuite:TSTDRV1234', { system: 'netsuite', summary: 'Invoice INV-1 paid in NetSuite' }))).toBe('NetSuite');
    // Digest lines are saved by the pipeline ('concord'), but say which system they came from.
    expect(sourceOfAudit(row('cs.health.changed', 'concord', { system: 'vitally', summary: 'Health fell from 62 to 41' }))).toBe('Vitally');
  });

  it('marks what the lifecycle automations did as Concord automation', () => {
    for (const action of ['account.finance_hold.set', 'account.finance_hold.lifted', 'account.automation.health_task', 'account.automation.onboarding_task', 'account.automation.renewal_task', 'account.automation.billing_released']) {
      expect(sourceOfAudit(row(action, 'concord', { summary: 'x' })), action).toBe('Concord automation');
    }
  });

  it('names the CRM of a change applied from its webhook, and of a request it signed', () => {
    expect(sourceOfAudit(row('crm.change.applied', 'hubspot:24300001', { property: 'name', value: 'Acme' }, 'hubspot_company'))).toBe('HubSpot');
    expect(sourceOfAudit(row('crm.task.create', 'hubspot_user:24300001:101', { system: 'hubspot', subject: 'Call' }))).toBe('HubSpot');
    expect(sourceOfAudit(row('crm.task.create', 'salesforce_org:00D5g00000DEMO1EAP', { system: 'salesforce', subject: 'Call' }))).toBe('Salesforce');
  });

  it("calls Concord's own work Concord, and never trusts a system named by a non-change entry", () => {
    expect(sourceOfAudit(row('account.create', 'system:identity-sync', { name: 'Acme' }))).toBe('Concord');
    expect(sourceOfAudit(row('account.risk.changed', 'concord', { from: 'low', to: 'high', summary: 'Renewal risk rose from low to high' }))).toBe('Concord');
    // A link names the linked record's system, but the linking is Concord's.
    expect(sourceOfAudit(row('identity.link', 'system:identity-link', { system: 'netsuite', externalId: '1001', rule: 'scored' }))).toBe('Concord');
    expect(sourceOfAudit(row('identity.merge', 'session:ab12cd34', { mergedFrom: 'acc_2' }))).toBe('Concord');
  });
});

describe('automation lines', () => {
  it('show the line the automation wrote, for every automation', () => {
    for (const action of ['account.automation.onboarding_task', 'account.automation.renewal_task', 'account.automation.billing_released']) {
      expect(summarizeAudit(row(action, 'concord', { summary: `line of ${action}` })), action).toBe(`line of ${action}`);
    }
  });
});
