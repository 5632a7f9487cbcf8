/**
 * Connections admin: list (never with credentials) and set a system's base URL and credentials.
 * Disconnect (with revocation at the vendor) lives with the connect flows (`credential-connections.ts`).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { CredentialsSchema, SYSTEMS, listConnections, type System } from '../../storage/connections.js';
import { installConnection } from '../../services/oauth/install.js';
import { setUpCrm } from '../../services/crm-setup.js';
import { serviceContext } from '../../services/context.js';
import type { AppEnv } from '../context.js';
import { isAllowedBaseUrl } from '../urls.js';
import { jsonBody, parseWith } from '../validate.js';

/** https anywhere; plain http only to this machine (the sandbox estate). */
const BaseUrlSchema = z
  .string()
  .url()
  .max(500)
  .refine((value) => isAllowedBaseUrl(value), 'must be an https URL (http only for 127.0.0.1/localhost), without credentials, query or fragment')
  .transform((v) => v.replace(/\/+$/, ''));

const ConnectionInputSchema = z
  .object({
    baseUrl: BaseUrlSchema,
    externalAccount: z.string().trim().min(1).max(200).optional(),
    credentials: CredentialsSchema,
  })
  .strict();

export function connectionRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/', async (c) => c.json({ items: await listConnections(c.env.DB, c.get('tenantId')) }));

  r.put('/:system', async (c) => {
    const system = parseWith(z.enum(SYSTEMS), c.req.param('system'), 400) as System;
    const input = await jsonBody(c, ConnectionInputSchema);
    const tenantId = c.get('tenantId');
    const externalAccount = input.externalAccount ?? null;
    // The same path as the connect flows: refuses a CRM account already connected to another tenant.
    await installConnection(c.env, {
      tenantId,
      system,
      baseUrl: input.baseUrl,
      externalAccount,
      credentials: input.credentials,
      actor: c.get('actor'),
      correlationId: c.get('correlationId'),
      action: 'connection.upsert',
    });
    const setup = await setUpCrm(c.env, serviceContext(c.env, { tenantId, correlationId: c.get('correlationId'), log: c.get('log') }), system, c.get('actor'));
    return c.json({ system, baseUrl: input.baseUrl, externalAccount, status: 'connected', setup });
  });

  return r;
}
