/**
 * Global setup of the worker tests (they run inside workerd and call sandbox estates over HTTP):
 * one estate the test files share, plus a private estate for each connector test file that injects
 * faults, moves the sandbox clock, burns a rate window, shrinks NetSuite's concurrency pool,
 * counts requests or uninstalls the HubSpot app. All of that is global to a sandbox, so those files must not share the estate
 * other files use in parallel.
 */
import type { TestProject } from 'vitest/node';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';
import { startRelay } from './relay.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The estate the worker test files share (the worker's SANDBOX_URL binding). */
    workerSandboxUrl: string;
    /** Private to test/worker/hubspot-connector.test.ts. */
    hubspotConnectorSandboxUrl: string;
    /** Private to test/worker/netsuite-connector.test.ts. */
    netsuiteConnectorSandboxUrl: string;
    /** Private to test/worker/vitally-connector.test.ts. */
    vitallyConnectorSandboxUrl: string;
    /** Private to test/worker/uninstall.test.ts (an uninstall kills every OAuth token of a portal). */
    uninstallSandboxUrl: string;
    /** Private to test/worker/account-view-paths.test.ts (holds vendor answers open with faults). */
    accountViewSandboxUrl: string;
    /** Private to test/worker/identity-continuous.test.ts (it creates HubSpot companies the truth does not know). */
    identityLinkSandboxUrl: string;
    /** Private to test/worker/identity-salesforce-poll.test.ts (it creates Salesforce Accounts and NetSuite customers the truth does not know). */
    identitySalesforcePollSandboxUrl: string;
    /** Private to test/worker/identity-salesforce-removed.test.ts (it deletes and merges Salesforce Accounts). */
    identitySalesforceRemovedSandboxUrl: string;
    /** Private to test/worker/identity-hubspot-removed.test.ts (it deletes and merges HubSpot companies and subscribes to their webhooks). */
    identityHubspotRemovedSandboxUrl: string;
    /** Private to test/worker/automation-policy.test.ts (it sets Vitally health scores and files CRM tasks). */
    automationPolicySandboxUrl: string;
    /** Private to test/worker/automation-holds.test.ts (it moves Vitally due dates and holds NetSuite sales orders). */
    automationHoldsSandboxUrl: string;
    /** Private to test/worker/automation-rejudge.test.ts (it counts Vitally requests while policies are saved). */
    automationRejudgeSandboxUrl: string;
    /** Private to test/worker/account-changes-calls.test.ts (it counts NetSuite and Vitally requests per change). */
    accountChangesCallsSandboxUrl: string;
    /** Private to test/worker/sync-runs.test.ts (it injects HubSpot faults and edits company domains). */
    syncRunsSandboxUrl: string;
    /** Private to test/worker/sync-runs-history.test.ts (it fails Vitally score-history reads and counts them). */
    syncHistorySandboxUrl: string;
    /**
     * Private to test/worker/poll-checkpoints.test.ts: anchored two days ahead (UTC), so some
     * seeded records are stamped later than the real clock whatever the time of day.
     */
    pollClockSandboxUrl: string;
    /** Private to test/worker/closed-won.test.ts (closes demo deals, counts ERP and CS duplicates). */
    closedWonSandboxUrl: string;
    /** Private to test/worker/closed-won-faults.test.ts (NetSuite faults, webhook and callout knobs). */
    closedWonFaultsSandboxUrl: string;
    /** Private to test/worker/closed-won-connectors.test.ts (creates records through the new port methods). */
    closedWonConnectorsSandboxUrl: string;
    /** Private to test/worker/closed-won-refusals.test.ts (makes NetSuite items inactive, changes subsidiaries). */
    closedWonRefusalsSandboxUrl: string;
    /**
     * A relay the sandbox's outgoing webhooks and callouts can reach (workerd in the test pool has
     * no listening address): it keeps each request, and the tests hand them to the broker.
     */
    relayUrl: string;
  }
}

const ESTATES = [
  'workerSandboxUrl',
  'hubspotConnectorSandboxUrl',
  'netsuiteConnectorSandboxUrl',
  'vitallyConnectorSandboxUrl',
  'uninstallSandboxUrl',
  'closedWonSandboxUrl',
  'closedWonFaultsSandboxUrl',
  'closedWonConnectorsSandboxUrl',
  'closedWonRefusalsSandboxUrl',
  'accountViewSandboxUrl',
  'identityLinkSandboxUrl',
  'identitySalesforcePollSandboxUrl',
  'identitySalesforceRemovedSandboxUrl',
  'identityHubspotRemovedSandboxUrl',
  'syncRunsSandboxUrl',
  'syncHistorySandboxUrl',
  'automationPolicySandboxUrl',
  'automationHoldsSandboxUrl',
  'automationRejudgeSandboxUrl',
  'accountChangesCallsSandboxUrl',
] as const;

export default async function setup(project: TestProject) {
  const listeners: SandboxListener[] = [];
  const closeAll = async () => {
    for (const listener of listeners) await listener.close();
  };
  try {
    for (const name of ESTATES) {
      const listener = await createSandbox().listen(0);
      listeners.push(listener);
      project.provide(name, listener.url);
    }
    // Two days ahead: its records stamped on the anchor day are a day or more in the future.
    const ahead = await createSandbox({ anchorDate: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10) }).listen(0);
    listeners.push(ahead);
    project.provide('pollClockSandboxUrl', ahead.url);
    const relay = await startRelay();
    listeners.push(relay);
    project.provide('relayUrl', relay.url);
  } catch (err) {
    await closeAll();
    throw err;
  }
  return closeAll;
}
