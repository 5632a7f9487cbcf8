/**
 * The sandbox's own OAuth admin (under `/__sandbox`): register client apps and NetSuite
 * certificates, hand out demo NetSuite M2M credentials for local use, and count grants per
 * client so tests can check how many token refreshes the broker really made.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { z } from 'zod';
import type { SandboxState } from '../core/state.js';
import { problem, readJson } from '../core/http.js';
import { SANDBOX_TENANTS, type SandboxTenant } from '../seed/types.js';
import type { OAuthStore } from './store.js';

const clientBody = z.object({ clientId: z.string().min(3).max(200), clientSecret: z.string().min(8).max(500) }).strict();
const certBody = z
  .object({
    tenant: z.enum(SANDBOX_TENANTS),
    certificateId: z.string().min(3).max(200),
    publicKeyPem: z.string().includes('BEGIN PUBLIC KEY'),
    clientId: z.string().min(3).max(200).optional(),
  })
  .strict();

export function oauthAdmin(state: SandboxState, store: OAuthStore): Hono {
  const app = new Hono();

  app.post('/__sandbox/oauth/clients', async (c) => {
    const body = await readJson(c);
    const parsed = body.ok ? clientBody.safeParse(body.value) : null;
    if (!parsed?.success) return problem(c, 400, 'invalid_client_request', 'Send {clientId, clientSecret}');
    store.clients.set(parsed.data.clientId, parsed.data);
    return c.json({ clientId: parsed.data.clientId }, 201);
  });

  app.get('/__sandbox/oauth/stats', (c) => {
    const clientId = c.req.query('clientId');
    if (!clientId) return problem(c, 400, 'client_id_required', 'Pass ?clientId=');
    return c.json({ clientId, grants: store.grants.get(clientId) ?? { authorization_code: 0, refresh_token: 0, client_credentials: 0 } });
  });

  app.post('/__sandbox/netsuite/certificates', async (c) => {
    const body = await readJson(c);
    const parsed = body.ok ? certBody.safeParse(body.value) : null;
    if (!parsed?.success) return problem(c, 400, 'invalid_certificate', 'Send {tenant, certificateId, publicKeyPem (SPKI PEM), clientId?}');
    store.certificates.set(parsed.data.certificateId, parsed.data);
    return c.json({ certificateId: parsed.data.certificateId, tenant: parsed.data.tenant }, 201);
  });

  // A fresh ES256 key pair per tenant, registered on first request (local demo use only).
  app.get('/__sandbox/netsuite/demo-credentials', async (c) => {
    const tenant = (c.req.query('tenant') ?? 'demo') as SandboxTenant;
    if (!SANDBOX_TENANTS.includes(tenant)) return problem(c, 400, 'unknown_tenant', 'tenant must be demo or other');
    let creds = store.demoNetSuite.get(tenant);
    if (!creds) {
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      const suffix = randomBytes(6).toString('hex');
      creds = { clientId: `sbx-ns-client-${tenant}-${suffix}`, certificateId: `sbx-cert-${tenant}-${suffix}`, privateKeyPem: await exportPKCS8(privateKey) };
      store.certificates.set(creds.certificateId, { tenant, certificateId: creds.certificateId, publicKeyPem: await exportSPKI(publicKey), clientId: creds.clientId });
      store.demoNetSuite.set(tenant, creds);
    }
    return c.json({ accountId: state.dataset(tenant).netsuite.accountId, clientId: creds.clientId, certificateId: creds.certificateId, privateKey: creds.privateKeyPem });
  });
  return app;
}
