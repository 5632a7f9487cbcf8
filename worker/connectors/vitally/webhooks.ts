/**
 * Vitally playbook webhooks (`POST /v1/webhooks/vitally/:tenant`), verified with the Standard
 * Webhooks scheme (http/middleware/standard-webhooks.ts) before this parses them. Concord reads
 * the Standard Webhooks envelope `{type, timestamp, data}`; `data` names the Vitally account (and
 * the record when it is a task or conversation). Like NetSuite's events it is a pointer: the
 * consumer reads the account's CS data again, never the values in the body.
 */
import { z } from 'zod';
import { CS_OBJECT_TYPES, type CsObjectType } from '../../model/changes.js';
import { zodIssues, type FieldIssue } from '../../errors.js';
import { csVersionKey, type CsChange } from '../../queues/messages.js';

const VitallyId = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'a Vitally id');

/** `<object>.<what happened>`, e.g. `account.health_score_changed`, `task.completed`, `conversation.created`. */
const EventType = z
  .string()
  .max(100)
  .regex(new RegExp(`^(${CS_OBJECT_TYPES.join('|')})\\.[a-z_]{1,60}$`), `<object>.<event> with object ${CS_OBJECT_TYPES.join(', ')}`);

export const VitallyWebhookSchema = z
  .object({
    type: EventType,
    timestamp: z.iso.datetime({ offset: true }),
    data: z
      .object({
        /** The Vitally account the change belongs to. */
        accountId: VitallyId,
        /** The task or conversation (absent for an account event). */
        id: VitallyId.optional(),
        /** The record's updatedAt in Vitally (orders this event with the poll's view of it). */
        updatedAt: z.iso.datetime({ offset: true }).optional(),
      })
      .passthrough(),
  })
  .strict();

export type VitallyWebhook = z.infer<typeof VitallyWebhookSchema>;

export function parseVitallyWebhook(value: unknown): { ok: true; event: VitallyWebhook } | { ok: false; issues: FieldIssue[] } {
  const parsed = VitallyWebhookSchema.safeParse(value);
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, issues: zodIssues(parsed.error.issues) };
}

/** The canonical change for one verified webhook of `tenantId`'s workspace `externalAccount`. */
export async function vitallyChange(e: VitallyWebhook, webhookId: string, tenantId: string, externalAccount: string, correlationId: string): Promise<CsChange> {
  const objectType = e.type.split('.')[0] as CsObjectType;
  const objectId = objectType === 'account' ? e.data.accountId : (e.data.id ?? e.data.accountId);
  const updatedAt = Date.parse(e.data.updatedAt ?? e.timestamp);
  return {
    v: 1,
    kind: 'cs.change',
    tenantId,
    system: 'vitally',
    externalAccount,
    objectType,
    objectId,
    csAccountId: e.data.accountId,
    updatedAt,
    via: 'webhook',
    sourceEventId: webhookId.slice(0, 128),
    correlationId,
    idempotencyKey: await csVersionKey({ externalAccount, objectType, objectId, updatedAt, csAccountId: e.data.accountId }),
  };
}
