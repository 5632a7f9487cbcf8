/**
 * "Does this connection work?": one cheap authenticated read per system with a fresh token; a 401
 * forces one refresh and one retry (the path every connector call should follow).
 */
import { z } from 'zod';
import { tokenSource } from '../../connectors/auth.js';
import { callUpstream, type CallContext } from '../../connectors/http.js';
import { NetSuiteClient } from '../../connectors/netsuite/client.js';
import { ConcordError } from '../../errors.js';
import { loadConnection, type Connection, type System } from '../../storage/connections.js';
import type { OAuthEnv } from './config.js';

/** Salesforce REST version for the probe (the sandbox serves 58.0-65.0). */
const SF_API = 'v62.0';

function probe(conn: Connection, token: string) {
  const bearer = { authorization: `Bearer ${token}` };
  switch (conn.system) {
    case 'hubspot':
      // https://developers.hubspot.com/docs/api/crm/companies (GET /crm/v3/objects/companies)
      return { url: `${conn.baseUrl}/crm/v3/objects/companies?limit=1`, headers: bearer };
    case 'salesforce':
      // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
      return { url: `${conn.baseUrl}/services/data/${SF_API}/query?q=${encodeURIComponent('SELECT Id FROM Account LIMIT 1')}`, headers: bearer };
    case 'netsuite':
      // https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
      return { url: `${conn.baseUrl}/services/rest/query/v1/suiteql?limit=1`, method: 'POST' as const, body: { q: 'SELECT id FROM customer' }, headers: { ...bearer, prefer: 'transient' } };
    case 'vitally':
      return { url: `${conn.baseUrl}/resources/accounts?limit=1`, headers: { authorization: `Basic ${btoa(`${token}:`)}` } };
  }
}

export async function checkConnection(env: OAuthEnv, ctx: CallContext & { tenantId: string }, system: System): Promise<{ system: System; ok: true; refreshed: boolean }> {
  const conn = await loadConnection(env, ctx.tenantId, system);
  // NetSuite TBA signs each request; there is no token to fetch or refresh.
  if (conn.credentials.type === 'netsuite_tba') {
    await new NetSuiteClient(conn, ctx).probe();
    return { system, ok: true, refreshed: false };
  }
  const tokens = tokenSource(env, conn, ctx);
  let refreshed = false;
  for (let attempt = 0; ; attempt++) {
    try {
      await callUpstream(ctx, { system, op: 'connect.check', timeoutMs: 10_000, ...probe(conn, await tokens.token()) }, z.unknown());
      return { system, ok: true, refreshed };
    } catch (err) {
      if (attempt > 0 || !(err instanceof ConcordError) || err.error.kind !== 'auth_expired') throw err;
      // A 401: one forced refresh with the refused token, then one retry.
      if (!(await tokens.refresh())) throw err;
      refreshed = true;
    }
  }
}
