/** Vitally REST client with cursor paging. */
import type { z } from 'zod';
import { callUpstream, type CallContext } from '../http.js';
import type { Connection } from '../../storage/connections.js';
import { currentAccessToken } from '../auth.js';
import { vitallyDescriptor as d } from './descriptor.js';
import { AccountSchema, ConversationSchema, HealthScoreSchema, NoteSchema, ProjectSchema, TaskSchema, describeVitallyError, page, type VitallyAccount } from './schemas.js';

export class VitallyClient {
  private readonly timeoutMs: number;

  /** `timeoutMs`: per-attempt timeout (default the descriptor's 10 s). */
  constructor(
    private readonly conn: Connection,
    private readonly ctx: CallContext,
    opts: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? d.timeoutMs;
  }

  private authHeader(): Record<string, string> {
    const key = currentAccessToken(this.conn);
    // Basic auth with the API key as the user and an empty password.
    return { authorization: `Basic ${btoa(`${key}:`)}` };
  }

  private async get<S extends z.ZodType>(op: string, path: string, schema: S): Promise<z.infer<S>> {
    const { data } = await callUpstream(
      this.ctx,
      { system: d.system, op, url: `${this.conn.baseUrl}${path}`, headers: this.authHeader(), timeoutMs: this.timeoutMs },
      schema,
      describeVitallyError,
    );
    return data;
  }

  /** Every page of a cursor-paged collection, yielded one page at a time. */
  async *pages<S extends z.ZodType>(op: string, path: string, item: S, pageSize: number = d.pageSize): AsyncGenerator<z.infer<S>[]> {
    let from: string | null | undefined = undefined;
    const sep = path.includes('?') ? '&' : '?';
    do {
      const cursor: string = from ? `&from=${encodeURIComponent(from)}` : '';
      const data = (await this.get(op, `${path}${sep}limit=${pageSize}${cursor}`, page(item))) as { results: z.infer<S>[]; next?: string | null };
      yield data.results;
      from = data.next;
    } while (from);
  }

  async all<S extends z.ZodType>(op: string, path: string, item: S): Promise<z.infer<S>[]> {
    const out: z.infer<S>[] = [];
    for await (const p of this.pages(op, path, item)) out.push(...p);
    return out;
  }

  listAccounts(): AsyncGenerator<VitallyAccount[]> {
    return this.pages('accounts.list', '/resources/accounts', AccountSchema);
  }

  account(id: string) {
    return this.get('account.get', `/resources/accounts/${encodeURIComponent(id)}`, AccountSchema);
  }

  healthScores(id: string) {
    return this.all('healthScores.list', `/resources/accounts/${encodeURIComponent(id)}/healthScores`, HealthScoreSchema);
  }

  /** https://docs.vitally.io/pushing-data-to-vitally/rest-api/projects (an account's projects) */
  projects(id: string) {
    return this.all('projects.list', `/resources/accounts/${encodeURIComponent(id)}/projects`, ProjectSchema);
  }

  /** https://docs.vitally.io/en/articles/9880855-rest-api-tasks (an account's tasks; each names its projects) */
  tasks(id: string) {
    return this.all('tasks.list', `/resources/accounts/${encodeURIComponent(id)}/tasks`, TaskSchema);
  }

  conversations(id: string) {
    return this.all('conversations.list', `/resources/accounts/${encodeURIComponent(id)}/conversations`, ConversationSchema);
  }

  private async write<S extends z.ZodType>(op: string, method: 'PATCH' | 'POST', path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const { data } = await callUpstream(
      this.ctx,
      { system: d.system, op, url: `${this.conn.baseUrl}${path}`, method, headers: this.authHeader(), body, timeoutMs: this.timeoutMs },
      schema,
      describeVitallyError,
    );
    return data;
  }

  /** Merge traits into an account (other traits stay). https://docs.vitally.io/pushing-data-to-vitally/rest-api/accounts */
  updateTraits(id: string, traits: Record<string, string | number | boolean | null>) {
    return this.write('account.traits', 'PATCH', `/resources/accounts/${encodeURIComponent(id)}`, { traits }, AccountSchema);
  }

  /**
   * Add a note to an account (its Vitally id). Notes are unique on `externalId`, so a retried write
   * updates the same note instead of adding a second one.
   * https://docs.vitally.io/pushing-data-to-vitally/rest-api/notes (POST /resources/notes)
   */
  addNote(accountId: string, note: { subject: string; note: string; externalId: string; noteDate: string }) {
    return this.write('note.create', 'POST', '/resources/notes', { accountId, ...note }, NoteSchema);
  }
}
