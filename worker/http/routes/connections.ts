/**
 * Connections admin: list (never with credentials) and set a system's base URL and credentials.
 * Disconnect (with revocation at the vendor) lives with the connect flows (`credential-connections.ts`).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { auditStatement } from '../../storage/audit.js';
import { CredentialsSchema, SYSTEMS, forgetConnection, listConnections, saveConnection, type System } from '../../storage/connections.js';
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
    const stmt = await saveConnection(c.env, {
      tenantId,
      system,
      baseUrl: input.baseUrl,
      externalAccount: input.externalAccount ?? null,
      status: 'connected',
      credentials: input.credentials,
    });
    await c.env.DB.batch([
      stmt,
      auditStatement(c.env.DB, {
        tenantId,
        actor: c.get('actor'),
        action: 'connection.upsert',
        entityType: 'connection',
        entityId: system,
        // Never the credentials: only what kind they are.
        after: { baseUrl: input.baseUrl, externalAccount: input.externalAccount ?? null, credentialType: input.credentials.type },
        correlationId: c.get('correlationId'),
      }),
    ]);
    forgetConnection(tenantId, system);
    return c.json({ system, baseUrl: input.baseUrl, externalAccount: input.externalAccount ?? null, status: 'connected' });
  });

  return r;
}
