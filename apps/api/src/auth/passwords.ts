/**
 * Passwords of staff accounts: argon2id (OWASP's parameters: 19 MiB, 2 passes, 1 lane — the
 * library's defaults, asserted by a test reading the stored hash), hashed by the server only; the
 * store keeps the PHC string. A check against an account without a password, or an e-mail that
 * names no account, still runs one verification against a dummy hash, so how long a refusal takes
 * does not tell whether the account exists.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummy: Promise<string> | null = null;

/** A hash of a random password nobody knows, made once (same parameters as real ones). */
function dummyHash(): Promise<string> {
  dummy ??= hash(randomBytes(32).toString('base64url'));
  return dummy;
}

/**
 * Whether a password matches a stored hash; with no hash (no account, or no password set) the
 * answer is false after the same work as a real check.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    await verify(await dummyHash(), password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    // A malformed stored hash is a refusal, never a 500.
    return false;
  }
}

/** Makes the dummy hash now (at start-up), so the first refusal is not the slow one. */
export function warmUpPasswords(): Promise<void> {
  return dummyHash().then(() => undefined);
}
