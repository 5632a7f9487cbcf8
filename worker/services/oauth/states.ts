/**
 * OAuth `state` rows (table oauth_states, migration 0004): created when a flow starts, taken
 * exactly once by the callback. The verifier's column is in the sealed-column registry. The state is stored only as a hash, the PKCE verifier sealed by
 * the vault; the row is bound to tenant, system and the admin session, and lives 10 minutes.
 */
import { sha256Hex } from '../../storage/crypto.js';
import { open, seal } from '../../storage/vault.js';
import type { OAuthEnv } from './config.js';
import { randomToken, s256Challenge } from './pkce.js';

const STATE_TTL_MS = 10 * 60_000;
const aad = (stateHash: string) => `oauth_state:${stateHash}`;

export type OAuthSystem = 'hubspot' | 'salesforce';

export interface NewState {
  state: string;
  codeChallenge: string;
}

export interface TakenState {
  tenantId: string;
  system: OAuthSystem;
  codeVerifier: string;
  redirectUri: string;
  params: Record<string, string>;
}

/** Why a callback's state is refused (all are 400s for the browser). */
export type StateRefusal = 'unknown' | 'expired' | 'other_session' | 'other_system' | 'unreadable';

export async function createState(
  env: OAuthEnv,
  input: { tenantId: string; system: OAuthSystem; sessionId: string; redirectUri: string; params?: Record<string, string> },
): Promise<NewState> {
  const state = randomToken();
  const verifier = randomToken();
  const stateHash = await sha256Hex(state);
  const sealed = await seal(env, aad(stateHash), verifier);
  const now = Date.now();
  await env.DB.batch([
    // Opportunistic cleanup keeps the table small without a cron.
    env.DB.prepare('DELETE FROM oauth_states WHERE expires_at < ?').bind(now),
    env.DB.prepare(
      `INSERT INTO oauth_states (state_hash, tenant_id, system, session_hash, verifier_kid, verifier_iv, verifier_ct, redirect_uri, params_json, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(stateHash, input.tenantId, input.system, await sha256Hex(input.sessionId), sealed.kid, sealed.iv, sealed.ct, input.redirectUri, JSON.stringify(input.params ?? {}), now + STATE_TTL_MS),
  ]);
  return { state, codeChallenge: await s256Challenge(verifier) };
}

/** Take (delete) the state row; it never works twice, even when refused. */
export async function takeState(env: OAuthEnv, state: string, system: OAuthSystem, sessionId: string): Promise<TakenState | StateRefusal> {
  const stateHash = await sha256Hex(state);
  const row = await env.DB.prepare(
    `DELETE FROM oauth_states WHERE state_hash = ?
     RETURNING tenant_id, system, session_hash, verifier_kid, verifier_iv, verifier_ct, redirect_uri, params_json, expires_at`,
  )
    .bind(stateHash)
    .first<{ tenant_id: string; system: OAuthSystem; session_hash: string; verifier_kid: string; verifier_iv: string; verifier_ct: string; redirect_uri: string; params_json: string; expires_at: number }>();
  if (!row) return 'unknown';
  if (row.expires_at < Date.now()) return 'expired';
  if (row.session_hash !== (await sha256Hex(sessionId))) return 'other_session';
  if (row.system !== system) return 'other_system';
  let codeVerifier: string;
  try {
    codeVerifier = await open(env, aad(stateHash), { kid: row.verifier_kid, iv: row.verifier_iv, ct: row.verifier_ct });
  } catch {
    // Its vault key was dropped mid-flow: the admin starts again (a 400, never a 500).
    return 'unreadable';
  }
  return { tenantId: row.tenant_id, system: row.system, codeVerifier, redirectUri: row.redirect_uri, params: JSON.parse(row.params_json) as Record<string, string> };
}
