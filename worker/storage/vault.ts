/**
 * The token vault: secrets (access/refresh tokens, API keys, private keys) are sealed with
 * AES-256-GCM (WebCrypto) under a vault key; the key id is stored beside each ciphertext so keys
 * can rotate (the first key in CONCORD_VAULT_KEYS seals, any listed key opens). The tenant and
 * system are bound as additional authenticated data, so a ciphertext copied to another row fails.
 */
import { config, type Env } from '../env.js';
import { fromBase64Url, toBase64Url } from './crypto.js';

export interface Sealed {
  kid: string;
  iv: string;
  ct: string;
}

const imported = new Map<string, CryptoKey>();

async function keyring(env: Env): Promise<{ active: string; keys: Map<string, string> }> {
  const keys = new Map<string, string>();
  for (const part of config(env).CONCORD_VAULT_KEYS.split(',')) {
    const [kid, material] = part.split(':') as [string, string];
    keys.set(kid, material);
  }
  return { active: [...keys.keys()][0]!, keys };
}

async function cryptoKey(kid: string, material: string): Promise<CryptoKey> {
  const cacheKey = `${kid}:${material}`;
  let key = imported.get(cacheKey);
  if (!key) {
    key = await crypto.subtle.importKey('raw', fromBase64Url(material), 'AES-GCM', false, ['encrypt', 'decrypt']);
    imported.set(cacheKey, key);
  }
  return key;
}

export async function seal(env: Env, aad: string, plaintext: string): Promise<Sealed> {
  const { active, keys } = await keyring(env);
  const key = await cryptoKey(active, keys.get(active)!);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(aad) },
    key,
    new TextEncoder().encode(plaintext),
  );
  return { kid: active, iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
}

export async function open(env: Env, aad: string, sealed: Sealed): Promise<string> {
  const { keys } = await keyring(env);
  const material = keys.get(sealed.kid);
  if (!material) throw new Error(`Vault key ${sealed.kid} is not configured`);
  const key = await cryptoKey(sealed.kid, material);
  const pt = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64Url(sealed.iv), additionalData: new TextEncoder().encode(aad) },
    key,
    fromBase64Url(sealed.ct),
  );
  return new TextDecoder().decode(pt);
}

/** The key id that seals new secrets (the first entry of CONCORD_VAULT_KEYS). */
export async function activeKeyId(env: Env): Promise<string> {
  return (await keyring(env)).active;
}

/**
 * Re-encrypt a sealed value under the active key; null when it is already sealed by it.
 * Throws when the value does not open (unknown key id, wrong AAD, tampered ciphertext).
 */
export async function reseal(env: Env, aad: string, sealed: Sealed): Promise<Sealed | null> {
  if (sealed.kid === (await activeKeyId(env))) return null;
  return seal(env, aad, await open(env, aad, sealed));
}
