/**
 * In-memory state of the sandbox's OAuth servers: registered client apps, pending authorization
 * codes (single use, bound to a PKCE S256 challenge), revoked tokens, NetSuite M2M certificates,
 * and counters of grants per client so tests can prove how many refreshes the broker made.
 * Access and refresh tokens themselves stay the stateless `sbx_` tokens of core/tokens.ts, so
 * they survive a sandbox restart; codes, revocations and certificates do not (local only).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SandboxTenant, Vendor } from '../seed/types.js';

/** A client app registered with one of the sandbox's OAuth servers. */
export interface OAuthClientApp {
  clientId: string;
  clientSecret: string;
}

/** The demo app every local broker uses (see .dev.vars.example). */
export const DEMO_CLIENT: OAuthClientApp = { clientId: 'concord-local', clientSecret: 'concord-local-secret' };

/** What an authorization code stands for until it is exchanged. */
export interface PendingCode {
  vendor: Vendor;
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  tenant: SandboxTenant;
  scope: string;
  expiresAt: number;
}

/** A NetSuite integration certificate (OAuth 2.0 M2M). */
export interface Certificate {
  tenant: SandboxTenant;
  certificateId: string;
  publicKeyPem: string;
  /** When set, only assertions with this `iss` are accepted. */
  clientId?: string;
}

export type GrantKind = 'authorization_code' | 'refresh_token' | 'client_credentials';

export interface OAuthStore {
  clients: Map<string, OAuthClientApp>;
  codes: Map<string, PendingCode>;
  revoked: Set<string>;
  certificates: Map<string, Certificate>;
  /** Successful grants per client id. */
  grants: Map<string, Record<GrantKind, number>>;
  /** Scopes granted with each token the token endpoints issued (access and refresh). */
  tokenScopes: Map<string, string[]>;
  /** Demo NetSuite credentials per tenant, generated on first request. */
  demoNetSuite: Map<SandboxTenant, { clientId: string; certificateId: string; privateKeyPem: string }>;
  countGrant(clientId: string, kind: GrantKind): void;
  /** The registered app for these credentials, or null (unknown id or wrong secret). */
  authenticate(clientId: string | undefined, clientSecret: string | undefined): OAuthClientApp | null;
  newCode(p: PendingCode): string;
  /** Take a code out (single use): returns it once, then never again. */
  takeCode(code: string): PendingCode | null;
}

/** Codes live 10 minutes, like HubSpot's and Salesforce's (secondary). */
const CODE_TTL_MS = 10 * 60_000;

export function createOAuthStore(): OAuthStore {
  const clients = new Map<string, OAuthClientApp>([[DEMO_CLIENT.clientId, DEMO_CLIENT]]);
  const codes = new Map<string, PendingCode>();
  const grants = new Map<string, Record<GrantKind, number>>();
  return {
    clients,
    codes,
    revoked: new Set(),
    certificates: new Map(),
    grants,
    tokenScopes: new Map(),
    demoNetSuite: new Map(),
    countGrant(clientId, kind) {
      const entry = grants.get(clientId) ?? { authorization_code: 0, refresh_token: 0, client_credentials: 0 };
      entry[kind] += 1;
      grants.set(clientId, entry);
    },
    authenticate(clientId, clientSecret) {
      if (!clientId || !clientSecret) return null;
      const app = clients.get(clientId);
      if (!app) return null;
      const a = createHash('sha256').update(app.clientSecret).digest();
      const b = createHash('sha256').update(clientSecret).digest();
      return a.equals(b) ? app : null;
    },
    newCode(p) {
      const code = `sbxcode_${randomBytes(18).toString('base64url')}`;
      codes.set(code, { ...p, expiresAt: Date.now() + CODE_TTL_MS });
      return code;
    },
    takeCode(code) {
      const p = codes.get(code);
      if (!p) return null;
      codes.delete(code);
      return p.expiresAt > Date.now() ? p : null;
    },
  };
}

/** RFC 7636 S256: base64url(SHA-256(verifier)). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
