/** Vitally REST client with cursor paging. */
import type { z } from 'zod';
import { callUpstream, type CallContext } from '../http.js';
import type { Connection } from '../../storage/connections.js';
import { currentAccessToken } from '../auth.js';
import { vitallyDescriptor as d } from './descriptor.js';
import { AccountSchema, AdminSchema, ConversationSchema, HealthScoreSchema, NoteSchema, ProjectSchema, ProjectTemplateSchema, TaskSchema, describeVitallyError, page, type VitallyAccount } from './schemas.js';
import { ConcordError } from '../../errors.js';

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

  /**
   * One page of a cursor-paged collection (`from` null: the first), ordered by `createdAt`:
   * Vitally's advice for a full list read over time ("setting sortBy to createdAt will ensure you
   * return a full list every time", https://docs.vitally.io/pushing-data-to-vitally/rest-api, Pagination).
   */
  async listPage<S extends z.ZodType>(op: string, path: string, item: S, from: string | null): Promise<{ results: z.infer<S>[]; next: string | null }> {
    const cursor = from ? `&from=${encodeURIComponent(from)}` : '';
    const data = (await this.get(op, `${path}?sortBy=createdAt&limit=${d.pageSize}${cursor}`, page(item))) as { results: z.infer<S>[]; next?: string | null };
    return { results: data.results, next: data.next ?? null };
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

  /** The account, or null when Vitally has none with this id (404: deleted, or never there). */
  async accountOrNull(id: string) {
    try {
      return await this.account(id);
    } catch (err) {
      if (err instanceof ConcordError && err.error.kind === 'not_found') return null;
      throw err;
    }
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

  private async write<S extends z.ZodType>(op: string, method: 'PATCH' | 'POST' | 'PUT', path: string, body: unknown, schema: S, opts: { idempotent?: boolean } = {}): Promise<z.infer<S>> {
    const { data } = await callUpstream(
      this.ctx,
      { system: d.system, op, url: `${this.conn.baseUrl}${path}`, method, headers: this.authHeader(), body, timeoutMs: this.timeoutMs, ...(opts.idempotent === false ? { idempotent: false } : {}) },
      schema,
      describeVitallyError,
    );
    return data;
  }

  /**
   * Create the account with this `externalId`, or update the one that has it (name, traits
   * merged): Vitally keeps accounts unique on `externalId`, so a repeat adds nothing.
   * https://docs.vitally.io/en/articles/9880654-rest-api-accounts (POST /resources/accounts)
   */
  upsertAccount(body: { externalId: string; name: string; traits?: Record<string, string | number | boolean | null> }) {
    return this.write('account.upsert', 'POST', '/resources/accounts', body, AccountSchema);
  }

  /**
   * The team member (admin) with this e-mail, or null when there is none (404).
   * https://docs.vitally.io/en/articles/9880663-rest-api-admins (GET /resources/admins/search?email=)
   */
  async adminByEmail(email: string) {
    try {
      return await this.get('admins.search', `/resources/admins/search?email=${encodeURIComponent(email)}`, AdminSchema);
    } catch (err) {
      if (err instanceof ConcordError && err.error.kind === 'not_found') return null;
      throw err;
    }
  }

  /** https://docs.vitally.io/pushing-data-to-vitally/rest-api/projects (GET /resources/projectTemplates) */
  projectTemplates() {
    return this.all('projectTemplates.list', '/resources/projectTemplates', ProjectTemplateSchema);
  }

  /**
   * Create a project from a template (its milestones become the project's tasks). Projects have
   * no external id, so this is not idempotent: a timeout or 5xx is never retried here; callers
   * look for their project (by its `traits`) before creating one.
   * https://docs.vitally.io/pushing-data-to-vitally/rest-api/projects (POST /resources/projects)
   */
  createProject(body: { templateId: string; accountId: string; name: string; targetStartDate: string; ownedByVitallyUserId?: string; traits: Record<string, string> }) {
    return this.write('project.create', 'POST', '/resources/projects', body, ProjectSchema, { idempotent: false });
  }

  /** Change a task (a project milestone's due date). https://docs.vitally.io/en/articles/9880855-rest-api-tasks (PUT /resources/tasks/:id) */
  updateTask(id: string, body: { dueDate: string }) {
    return this.write('task.update', 'PUT', `/resources/tasks/${encodeURIComponent(id)}`, body, TaskSchema);
  }

  /** Create an account task, unique on `externalId` (a repeat updates it). https://docs.vitally.io/en/articles/9880855-rest-api-tasks (POST /resources/tasks) */
  upsertTask(body: { accountId: string; name: string; externalId: string; dueDate: string; assignedToId?: string }) {
    return this.write('task.upsert', 'POST', '/resources/tasks', body, TaskSchema);
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
