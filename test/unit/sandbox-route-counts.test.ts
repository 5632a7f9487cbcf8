/**
 * The sandbox's per-route request counts (`/__sandbox/limits` → counters → byRoute): benches read
 * them to say which calls a flow makes, so a route's ids must fold into one key and the table
 * must stay bounded whatever paths callers send.
 */
import { describe, expect, it } from 'vitest';
import { countBatchRecords, countQuery, countRoute, noteRequestCounters, routeKey, type LimitCounters } from '../../sandbox/core/limits.js';

const fresh = (): LimitCounters => ({ requests: 0, rateLimited: 0, serverErrors: 0, expired: 0, maxInFlight: 0, slotMs: 0, servedMs: 0, byRoute: {} });

describe('routeKey', () => {
  it('writes numeric ids, ids with digits and eid: keys as :id, and drops the query string', () => {
    expect(routeKey('GET', 'http://h/netsuite/services/rest/record/v1/invoice/5012?expandSubResources=true')).toBe('GET /netsuite/services/rest/record/v1/invoice/:id');
    expect(routeKey('PUT', 'http://h/netsuite/services/rest/record/v1/customer/eid:hubspot-company-42')).toBe('PUT /netsuite/services/rest/record/v1/customer/:id');
    expect(routeKey('GET', 'http://h/vitally/resources/accounts/0b6c7a4e-1f2d-4c1b-9e3a-5d6f7a8b9c0d/tasks')).toBe('GET /vitally/resources/accounts/:id/tasks');
    // Words are kept, even long ones: they name the route.
    expect(routeKey('POST', 'http://h/crm/v3/objects/companies/batch/update')).toBe('POST /crm/v3/objects/companies/batch/update');
  });
});

describe('route counts', () => {
  it('counts one key per route and SuiteQL per query shape from its FROM, literals as ?', () => {
    const c = fresh();
    countRoute(c, 'GET', 'http://h/x/invoice/1');
    countRoute(c, 'GET', 'http://h/x/invoice/2');
    countQuery(c, 'SuiteQL', "SELECT id, tranid FROM transaction WHERE entity = 104 AND type = 'CustPymt'");
    countQuery(c, 'SuiteQL', "SELECT id,  tranid FROM transaction WHERE entity = 7 AND type = 'O''Brien'");
    expect(c.byRoute).toEqual({ 'GET /x/invoice/:id': 2, 'SuiteQL FROM transaction WHERE entity = ? AND type = ?': 2 });
  });

  it('stays bounded: routes past the 200th are counted under other', () => {
    const c = fresh();
    for (let i = 0; i < 250; i++) countRoute(c, 'GET', `http://h/path-${String.fromCharCode(97 + (i % 26))}${'z'.repeat(Math.floor(i / 26))}`);
    expect(Object.keys(c.byRoute)).toHaveLength(201);
    expect(c.byRoute.other).toBe(50);
  });
});

describe('batch records', () => {
  it("counts a batch request's records under `records <route>` of the counters it was counted under, and nothing for a request counted nowhere", () => {
    const c = fresh();
    const req = new Request('http://h/hubspot/crm/v3/objects/companies/batch/update', { method: 'POST' });
    countRoute(c, req.method, req.url);
    noteRequestCounters(req, c);
    countBatchRecords(req, 87);
    countBatchRecords(new Request('http://h/hubspot/crm/v3/objects/companies/batch/update', { method: 'POST' }), 5);
    expect(c.byRoute).toEqual({ 'POST /hubspot/crm/v3/objects/companies/batch/update': 1, 'records POST /hubspot/crm/v3/objects/companies/batch/update': 87 });
  });
});
