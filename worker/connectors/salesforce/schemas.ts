/** Raw Salesforce REST shapes, validated at the boundary. */
import { z } from 'zod';

export const QueryPageSchema = z.object({
  totalSize: z.number(),
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.record(z.string(), z.unknown())),
});

export const AccountRowSchema = z.object({
  Id: z.string(),
  Name: z.string().nullish(),
  Website: z.string().nullish(),
});
export type AccountRow = z.infer<typeof AccountRowSchema>;

/** Errors are arrays `[{message, errorCode, fields}]`; keep the code and message only. */
export function describeSalesforceError(body: unknown): string {
  const parsed = z.array(z.object({ errorCode: z.string().optional(), message: z.string().optional() })).safeParse(body);
  if (!parsed.success || !parsed.data[0]) return '';
  return [parsed.data[0].errorCode, parsed.data[0].message].filter(Boolean).join(': ');
}
