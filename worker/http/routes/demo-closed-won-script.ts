/**
 * The demo page's script for "Close a demo deal as won" (served at `/demo/closed-won.js`, behind
 * the `/demo` door; the page's CSP allows only same-origin scripts). It posts to
 * `/demo/closed-won`, then reads the run from the tenant API (`GET /v1/tenants/:t/flows/runs/:id`,
 * with the admin session that answer opened) every second and says what the run is doing: waiting
 * for HubSpot's webhook (404 until the queue starts the run), queued, creating (with its step),
 * created (the sales order number), blocked (each reason with where to fix it) or failed (the
 * step and why). Text only (`textContent`), never HTML from an answer.
 */
export const DEMO_CLOSED_WON_SCRIPT = String.raw`(() => {
  'use strict';
  const form = document.getElementById('demo-won');
  const status = document.getElementById('demo-won-status');
  const details = document.getElementById('demo-won-details');
  if (!form || !status || !details) return;
  const button = form.querySelector('button');
  const STEPS = {
    load: 'reading the deal from HubSpot',
    validate: 'validating the order data',
    'resolve-customer': 'finding or creating the NetSuite customer',
    'create-sales-order': 'creating the sales order in NetSuite',
    'write-back-order': 'writing the order back to the deal',
    'provision-cs': 'setting up the Vitally account',
    'write-back-cs': 'writing the Vitally link back to the deal',
    'write-back': 'writing the order back to the deal',
  };
  const FIX_IN = { crm: 'HubSpot', erp: 'NetSuite', concord: 'the Concord console' };
  const POLL_MS = 1000;
  const GIVE_UP_MS = 180000;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const say = (text, tone) => {
    status.textContent = text;
    status.dataset.tone = tone || 'info';
  };
  const list = (items) => {
    details.replaceChildren(...items.map((t) => {
      const li = document.createElement('li');
      li.textContent = t;
      return li;
    }));
  };
  const seconds = (from, to) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10);

  function render(deal, run) {
    const name = deal.dealName + ' (deal ' + deal.dealId + ')';
    if (run.status === 'queued') return say(name + ': run queued, the closed-won flow starts shortly.');
    if (run.status === 'running') return say(name + ': creating the order, ' + (STEPS[run.step] || run.step || 'starting') + '…');
    if (run.status === 'completed') {
      const r = run.result || {};
      say('Sales order ' + (r.orderNumber || r.orderId || '(no number)') + ' created in NetSuite for ' + name + (run.completedAt ? ' in ' + seconds(run.createdAt, run.completedAt) + ' s' : '') + '.', 'good');
      return list([
        'NetSuite customer ' + (r.customerId || '?') + (r.customer ? ' (' + r.customer + ')' : ''),
        'Vitally account ' + (r.csAccountId || '?'),
        'Run ' + run.id + ', correlation id ' + run.correlationId,
      ]);
    }
    if (run.status === 'blocked') {
      say(name + ' is blocked: the order was not created. Fix the data, then Retry in the admin console.', 'warn');
      return list((run.exceptions || []).map((e) => (e.message || e.code) + ' Fix in ' + (FIX_IN[e.fixIn] || e.fixIn || 'the source system') + ': ' + (e.action || '') ));
    }
    if (run.status === 'failed') {
      say(name + ' failed at ' + (STEPS[run.step] || run.step || 'a step') + ' after its retries. Retry it in the admin console.', 'bad');
      return list((run.exceptions || []).map((e) => e.reason || e.message || e.code));
    }
  }

  async function follow(deal) {
    const started = Date.now();
    for (;;) {
      let res = null;
      try {
        res = await fetch(deal.runUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      } catch (e) {
        res = null;
      }
      if (res && res.ok) {
        const run = await res.json();
        render(deal, run);
        if (run.status === 'completed' || run.status === 'blocked' || run.status === 'failed') return;
      } else if (res && res.status === 404) {
        say(deal.dealName + ' (deal ' + deal.dealId + ') is won in HubSpot (stage ' + deal.stage.label + '). Waiting for HubSpot\u2019s webhook to start the run…');
      } else {
        say('Could not read run ' + deal.runId + (res ? ' (HTTP ' + res.status + ')' : ' (network error)') + '; trying again…', 'warn');
      }
      if (Date.now() - started > GIVE_UP_MS) {
        say('Run ' + deal.runId + ' has not finished after ' + GIVE_UP_MS / 1000 + ' s; follow it in the admin console.', 'warn');
        return;
      }
      await sleep(POLL_MS);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    list([]);
    say('Closing a demo deal as won in the sandbox HubSpot…');
    try {
      const res = await fetch(form.action, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } });
      const body = await res.json().catch(() => null);
      if (!res.ok || !body) {
        say((body && (body.detail || body.title)) || 'Could not close a demo deal (HTTP ' + res.status + ').', 'bad');
        return;
      }
      details.dataset.run = body.runId;
      await follow(body);
    } catch (e) {
      say('Could not reach the broker.', 'bad');
    } finally {
      button.disabled = false;
    }
  });
})();
`;
