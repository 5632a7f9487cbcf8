/** Random values for OAuth flows: `state`, PKCE verifier and its S256 challenge (RFC 7636). */
import { toBase64Url } from '../../storage/crypto.js';

/** 32 random bytes, base64url (43 characters: a valid PKCE verifier and an unguessable state). */
export function randomToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export async function s256Challenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return toBase64Url(new Uint8Array(digest));
}
