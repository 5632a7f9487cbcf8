/**
 * Configuration of the OAuth connect flows and the bindings they use, zod-checked once per env.
 * Everything defaults to the real vendor hosts; `.dev.vars.example` points them at the sandbox.
 * (Kept beside the flows rather than in worker/env.ts so the connect work lands in one place;
 * `OAuthEnv` is `Env` plus these.)
 */
import { z } from 'zod';
import { fillHostTemplate, isAllowedConfigUrl } from '../../connectors/hosts.js';
import { devMode, type Env } from '../../env.js';
import { fail } from '../../errors.js';
import { rawEnv } from '../../ops/traced-env.js';
import type { TokenRefresher } from '../../storage/objects/token-refresher.js';

/** Bindings and variables the connect flows add to the broker's Env. */
export interface OAuthBindings {
  /** Durable Object that single-flights token refreshes per connection (wrangler.toml). */
  TOKEN_REFRESHER?: DurableObjectNamespace<TokenRefresher>;
  /** Where the OAuth callback sends the browser afterwards (default `/widgets/console`, the assets' canonical URL for console.html). */
  CONCORD_CONSOLE_URL?: string;
  HUBSPOT_CLIENT_ID?: string;
  HUBSPOT_CLIENT_SECRET?: string;
  HUBSPOT_AUTH_URL?: string;
  HUBSPOT_API_URL?: string;
  HUBSPOT_SCOPES?: string;
  HUBSPOT_OPTIONAL_SCOPES?: string;
  SALESFORCE_CLIENT_ID?: string;
  SALESFORCE_CLIENT_SECRET?: string;
  SALESFORCE_LOGIN_URL?: string;
  SALESFORCE_TEST_LOGIN_URL?: string;
  SALESFORCE_MY_DOMAIN_URL?: string;
  SALESFORCE_SCOPES?: string;
  NETSUITE_API_URL?: string;
  VITALLY_API_URL?: string;
  CONCORD_PUBLIC_URL?: string;
}

export type OAuthEnv = Env & OAuthBindings;

/** A vendor endpoint URL: https, or http to loopback in development mode only. */
const urlFor = (dev: boolean) =>
  z
    .string()
    .url()
    .refine((v) => isAllowedConfigUrl(v, { devMode: dev, allowQuery: true }), dev ? 'https (http only for 127.0.0.1/localhost)' : 'https (plain http only in development mode)')
    .transform((v) => v.replace(/\/+$/, ''));

const oauthConfigSchema = (dev: boolean) => {
  const url = urlFor(dev);
  return z.object({
    CONCORD_CONSOLE_URL: z.string().min(1).default('/widgets/console'),
    CONCORD_PUBLIC_URL: url.optional(),
    HUBSPOT_CLIENT_ID: z.string().min(3).optional(),
    HUBSPOT_CLIENT_SECRET: z.string().min(8).optional(),
    HUBSPOT_AUTH_URL: url.default('https://app.hubspot.com'),
    HUBSPOT_API_URL: url.default('https://api.hubapi.com'),
    /**
     * The app's required scopes (extensions/hubspot/src/app/app-hsmeta.json `requiredScopes`): all of
     * them must be in the install URL's `scope` (https://developers.hubspot.com/scopes).
     */
    HUBSPOT_SCOPES: z.string().default('oauth crm.objects.companies.read crm.objects.companies.write crm.objects.deals.read crm.objects.deals.write crm.objects.line_items.read crm.objects.owners.read crm.schemas.companies.write crm.schemas.deals.write e-commerce'),
    /** The app's optional scopes (`optionalScopes`), sent as `optional_scope`. */
    HUBSPOT_OPTIONAL_SCOPES: z.string().default('crm.objects.contacts.write'),
    SALESFORCE_CLIENT_ID: z.string().min(3).optional(),
    SALESFORCE_CLIENT_SECRET: z.string().min(8).optional(),
    SALESFORCE_LOGIN_URL: url.default('https://login.salesforce.com'),
    SALESFORCE_TEST_LOGIN_URL: url.default('https://test.salesforce.com'),
    /** `{domain}` is replaced by the My Domain name; a URL without it sends every My Domain there (sandbox). */
    SALESFORCE_MY_DOMAIN_URL: z.string().default('https://{domain}.my.salesforce.com'),
    SALESFORCE_SCOPES: z.string().default('api refresh_token'),
    /** `{accountId}` is the account id in host form (lower case, `_` as `-`). */
    NETSUITE_API_URL: z.string().default('https://{accountId}.suitetalk.api.netsuite.com'),
    /** `{subdomain}` is the tenant's Vitally subdomain. */
    VITALLY_API_URL: z.string().default('https://{subdomain}.rest.vitally.io'),
  });
};

export type OAuthConfig = z.infer<ReturnType<typeof oauthConfigSchema>>;

const cache = new WeakMap<object, OAuthConfig>();

/** The validated OAuth configuration; a bad value is a clear 500-class config error, once. */
export function oauthConfig(traced: OAuthEnv): OAuthConfig {
  const env = rawEnv(traced);
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = oauthConfigSchema(devMode(env)).safeParse(env);
  if (!parsed.success) throw new Error(`Invalid Concord OAuth configuration: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  cache.set(env, parsed.data);
  return parsed.data;
}

/** A vendor app's client credentials, or a 409 naming the missing variable. */
export function clientCredentials(env: OAuthEnv, system: 'hubspot' | 'salesforce'): { clientId: string; clientSecret: string } {
  const cfg = oauthConfig(env);
  const [id, secret] = system === 'hubspot' ? [cfg.HUBSPOT_CLIENT_ID, cfg.HUBSPOT_CLIENT_SECRET] : [cfg.SALESFORCE_CLIENT_ID, cfg.SALESFORCE_CLIENT_SECRET];
  const prefix = system.toUpperCase();
  if (!id || !secret) fail({ kind: 'conflict', message: `${system} OAuth is not configured: set ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET.` });
  return { clientId: id, clientSecret: secret };
}

/**
 * Fill a `{name}` URL template with a host-name part and check the result is a usable base URL
 * on exactly the host the template names (connectors/hosts.ts `fillHostTemplate`); a template
 * without `{name}` (the sandbox) is used as it is.
 */
export function fillTemplate(env: OAuthEnv, template: string, name: string, value: string): string {
  const filled = template.includes(`{${name}}`) ? fillHostTemplate(template, name, value) : template.replace(/\/+$/, '');
  if (!isAllowedConfigUrl(filled, { devMode: devMode(env), allowQuery: true })) throw new Error(`URL template for ${name} gives a URL that is not allowed`);
  return filled;
}

/**
 * Origin (and base path) the browser and the vendors reach the broker on: CONCORD_PUBLIC_URL.
 * Only in development mode may it fall back to the request's own origin; elsewhere the Host
 * header is the caller's to choose, so redirect URIs and the cookie's Secure flag never follow it
 * (409 `public_url_required`).
 */
export function publicBase(env: OAuthEnv, requestUrl: string): string {
  const configured = oauthConfig(env).CONCORD_PUBLIC_URL;
  if (configured) return configured;
  if (devMode(env)) return new URL(requestUrl).origin;
  return fail({ kind: 'conflict', code: 'public_url_required', message: 'Set CONCORD_PUBLIC_URL (the https origin users and vendors reach Concord on): redirect URIs and session cookies are built from it, never from the Host header.' });
}
