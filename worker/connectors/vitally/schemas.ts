/** Raw Vitally response shapes, validated at the boundary. */
import { z } from 'zod';

const traits = z.record(z.string(), z.unknown());

const pageOf = <T extends z.ZodType>(item: T) => z.object({ results: z.array(item), next: z.string().nullable().optional() });
const pages = new WeakMap<z.ZodType, z.ZodType>();

/**
 * A list page of `item`s, built once per item schema: zod builds a schema's parser on its first
 * parse, so a schema made per call paid that again on every call.
 */
export function page<T extends z.ZodType>(item: T): ReturnType<typeof pageOf<T>> {
  let schema = pages.get(item);
  if (!schema) pages.set(item, (schema = pageOf(item)));
  return schema as ReturnType<typeof pageOf<T>>;
}

export const AccountSchema = z
  .object({
    id: z.string(),
    createdAt: z.string().optional(),
    externalId: z.string().nullable().optional(),
    name: z.string(),
    traits: z.record(z.string(), z.unknown()).nullable().optional(),
    healthScore: z.number().nullable().optional(),
    mrr: z.number().nullable().optional(),
    churnedAt: z.string().nullable().optional(),
    updatedAt: z.string().optional(),
  })
  .passthrough();
export type VitallyAccount = z.infer<typeof AccountSchema>;

export const HealthScoreSchema = z.object({
  id: z.string(),
  score: z.number(),
  categories: z.record(z.string(), z.number()).optional(),
  date: z.string(),
});
export type VitallyHealthScore = z.infer<typeof HealthScoreSchema>;


/** A task (https://docs.vitally.io/en/articles/9880855-rest-api-tasks): done when `completedAt` is set. */
export const TaskSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The account the task is for (workspace-wide lists name it). */
    accountId: z.string().nullable().optional(),
    createdAt: z.string().optional(),
    dueDate: z.string().nullable().optional(),
    completedAt: z.string().nullable().optional(),
    archivedAt: z.string().nullable().optional(),
    projects: z.array(z.object({ id: z.string(), name: z.string().optional() })).nullable().optional(),
    traits: traits.nullable().optional(),
  })
  .passthrough();
export type VitallyTask = z.infer<typeof TaskSchema>;

/** A project (https://docs.vitally.io/pushing-data-to-vitally/rest-api/projects); its tasks are their own resource. */
export const ProjectSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The account the project is for (workspace-wide lists name it). */
    accountId: z.string().nullable().optional(),
    createdAt: z.string().optional(),
    actualStartDate: z.string().nullable().optional(),
    actualCompletionDate: z.string().nullable().optional(),
    archivedAt: z.string().nullable().optional(),
    templateId: z.string().nullable().optional(),
    traits: traits.nullable().optional(),
  })
  .passthrough();
export type VitallyProject = z.infer<typeof ProjectSchema>;

/** A conversation (https://docs.vitally.io/en/articles/9880665-rest-api-conversations), without its messages. */
export const ConversationSchema = z
  .object({
    id: z.string(),
    subject: z.string().nullable().optional(),
    status: z.string().nullable().optional(),
    createdAt: z.string(),
    traits: traits.nullable().optional(),
    /** The conversation's accounts ("associated implicitly via Message to and from"). */
    accounts: z.array(z.object({ id: z.string() }).passthrough()).nullable().optional(),
  })
  .passthrough();
export type VitallyConversation = z.infer<typeof ConversationSchema>;

export function describeVitallyError(body: unknown): string {
  const parsed = z.object({ error: z.string().optional(), message: z.string().optional() }).safeParse(body);
  return parsed.success ? (parsed.data.message ?? parsed.data.error ?? '') : '';
}

export const NoteSchema = z.object({ id: z.string(), externalId: z.string().nullable().optional(), subject: z.string().nullable().optional(), note: z.string() }).passthrough();
export type VitallyNote = z.infer<typeof NoteSchema>;

/** A team member (https://docs.vitally.io/en/articles/9880663-rest-api-admins). */
export const AdminSchema = z.object({ id: z.string(), name: z.string().nullable().optional(), email: z.string() }).passthrough();
export type VitallyAdmin = z.infer<typeof AdminSchema>;

/** A project template (https://docs.vitally.io/pushing-data-to-vitally/rest-api/projects). */
export const ProjectTemplateSchema = z.object({ id: z.string(), name: z.string() }).passthrough();
export type VitallyProjectTemplate = z.infer<typeof ProjectTemplateSchema>;
