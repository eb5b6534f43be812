/**
 * Secrets handed to people and programs (API tokens, session ids, sign-in links): 256 random bits,
 * URL-safe, with a prefix that tells what they are (and lets secret scanners find leaked tokens).
 * Stores keep only their SHA-256: with 256 bits of entropy a fast hash is enough (a slow one is for
 * passwords people choose).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type SecretKind = 'token' | 'session' | 'link' | 'local';

const PREFIX: Readonly<Record<SecretKind, string>> = {
  token: 'li_pat_',
  session: 'li_ses_',
  link: 'li_lnk_',
  local: 'li_loc_',
};

export function newSecret(kind: SecretKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** Whether text looks like a secret of a kind (cheap refusal of junk before any lookup). */
export function looksLikeSecret(kind: SecretKind, text: string): boolean {
  return text.startsWith(PREFIX[kind]) && /^[A-Za-z0-9_-]{43}$/.test(text.slice(PREFIX[kind].length));
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(hashSecret(a), 'hex');
  const y = Buffer.from(hashSecret(b), 'hex');
  return timingSafeEqual(x, y);
}
