/**
 * Bindings and configuration of the broker. Bindings come from wrangler.toml; secrets and vars
 * from `.dev.vars` locally (see .dev.vars.example) or `wrangler secret put` in production, and are
 * checked with zod once per isolate so a misconfiguration fails loudly instead of half-working.
 */
import { z } from 'zod';
import type { LimiterEnv } from './connectors/limits/durable.js';
import { rawEnv } from './ops/traced-env.js';
import type { OAuthBindings } from './services/oauth/config.js';

/** Bindings and vars; the OAuth flows' and the limiter's own are declared beside them. */
export interface Env extends OAuthBindings, LimiterEnv {
  DB: D1Database;
  KV: KVNamespace;
  /** ViewCoordinators, a few per tenant (storage/objects/view-shards.ts): coalesce account-view builds per account. */
  VIEWS: DurableObjectNamespace<import('./storage/objects/view-coordinator.js').ViewCoordinator>;
  /** ClosedWonToOrder runs (worker/flows/closed-won), one per deal. */
  CLOSED_WON: Workflow<import('./flows/closed-won/workflow.js').ClosedWonStart>;
  /** Canonical change events (webhooks and polls -> consumer); dead letters land in D1 `dead_letters`. */
  EVENTS: Queue<import('./queues/messages.js').ChangeMessage>;
  /** Closed-won write-backs (flows/closed-won/writeback.ts); consumed like `EVENTS`. */
  FLOW_WRITES: Queue<import('./queues/messages.js').ChangeMessage>;
  /** Steps of sync runs (reconcile, backfill) and pages of the accounts' re-judging after an automation policy change: worker/queues/sync.ts. */
  SYNC: Queue<import('./services/sync-runs/index.js').SyncMessage | import('./flows/account-changes/rejudge.js').RejudgeMessage>;
  /** Operator key for provisioning tenants (`PUT /v1/operator/tenants/:tenant`). */
  CONCORD_OPERATOR_KEY?: string;
  /** Vault keys, `kid:base64url(32 bytes)` comma-separated; the first one seals new secrets. */
  CONCORD_VAULT_KEYS: string;
  /** debug | info | warn | error (default info). */
  CONCORD_LOG_LEVEL?: string;
  /** The HubSpot app's client secret: verifies `X-HubSpot-Signature-v3` on card requests. */
  HUBSPOT_CLIENT_SECRET?: string;
  /** HS256 key (>= 32 chars) for the CSM panel's embed tokens. */
  CONCORD_EMBED_SECRET?: string;
  /** Tenant shown by the local landing page `GET /demo` (development mode only, else 404). */
  CONCORD_DEMO_TENANT?: string;
  /** The demo tenant's API key (.dev.vars): `POST /demo/console` mints its session with it (development mode only). */
  CONCORD_DEMO_API_KEY?: string;
  /**
   * `1` = explicit local development mode (`npm start`, the tests): loopback http base URLs,
   * sandbox tokens through `PUT .../connections`, the `/demo` door on a loopback Host, the Host
   * header as public URL. Never set in production (docs/decisions.md, docs/threat-model.md).
   */
  CONCORD_DEV_MODE?: string;
  /** The HubSpot app's id: signed card requests must name it as `appId`. */
  HUBSPOT_APP_ID?: string;
  /** Public origin (and base path) callers use, e.g. https://concord.example.com, when a proxy
   * or tunnel rewrites the URL: signed URIs are rebuilt from it. */
  CONCORD_PUBLIC_URL?: string;
}

const ConfigSchema = z.object({
  CONCORD_OPERATOR_KEY: z.string().min(16).optional(),
  CONCORD_VAULT_KEYS: z
    .string()
    .regex(/^[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43}=?(,[A-Za-z0-9_-]+:[A-Za-z0-9_-]{43}=?)*$/, 'kid:base64url(32 bytes)[,kid:key...]'),
  CONCORD_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  HUBSPOT_CLIENT_SECRET: z.string().min(8).optional(),
  CONCORD_EMBED_SECRET: z.string().min(32).optional(),
  CONCORD_DEMO_TENANT: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/).optional(),
  CONCORD_DEMO_API_KEY: z.string().min(16).optional(),
  CONCORD_DEV_MODE: z.enum(['0', '1']).optional(),
  HUBSPOT_APP_ID: z.string().regex(/^\d{1,20}$/, 'the numeric id of the HubSpot app').optional(),
  CONCORD_PUBLIC_URL: z
    .string()
    .url()
    .refine((v) => !/[?#]/.test(v), 'an origin with an optional base path, no query or fragment')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

let cached: { source: Env; config: Config } | undefined;

/** Validated configuration; throws a ConfigError naming the bad variable. */
export function config(traced: Env): Config {
  // A traced env (ops/traced-env.ts) is a view of the same bindings: cache by the real one.
  const env = rawEnv(traced);
  if (cached?.source === env) return cached.config;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`Invalid Concord configuration: ${names}`);
  }
  cached = { source: env, config: parsed.data };
  return parsed.data;
}

/**
 * Whether the broker runs in the explicit local development mode (CONCORD_DEV_MODE=1). Read
 * straight from the binding so it also holds where the rest of the configuration is not needed.
 */
export function devMode(env: { CONCORD_DEV_MODE?: string }): boolean {
  return env.CONCORD_DEV_MODE === '1';
}
