/** Raw Vitally response shapes, validated at the boundary. */
import { z } from 'zod';

export const page = <T extends z.ZodType>(item: T) => z.object({ results: z.array(item), next: z.string().nullable().optional() });

export const AccountSchema = z
  .object({
    id: z.string(),
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

export const TaskSchema = z.object({
  id: z.string(),
  name: z.string(),
  order: z.number().optional(),
  status: z.string(),
  dueDate: z.string().nullable().optional(),
  completedAt: z.string().nullable().optional(),
});

export const ProjectSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  createdAt: z.string().optional(),
  tasks: z.array(TaskSchema).default([]),
});
export type VitallyProject = z.infer<typeof ProjectSchema>;

export const ConversationSchema = z.object({
  id: z.string(),
  subject: z.string(),
  priority: z.string(),
  status: z.string(),
  createdAt: z.string(),
});
export type VitallyConversation = z.infer<typeof ConversationSchema>;

export function describeVitallyError(body: unknown): string {
  const parsed = z.object({ error: z.string().optional(), message: z.string().optional() }).safeParse(body);
  return parsed.success ? (parsed.data.message ?? parsed.data.error ?? '') : '';
}

export const NoteSchema = z.object({ id: z.string(), externalId: z.string().nullable().optional(), subject: z.string().nullable().optional(), note: z.string() }).passthrough();
export type VitallyNote = z.infer<typeof NoteSchema>;
