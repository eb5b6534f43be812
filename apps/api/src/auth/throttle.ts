/**
 * Per-account backoff of password sign-ins (in memory, this process): after `FAILURES_PER_LOCK`
 * failed attempts on one e-mail the e-mail is locked for `FIRST_LOCK_MS`, and every further lock
 * lasts twice the one before (capped at a day); a successful sign-in, or a day without failures,
 * forgets the e-mail. Unknown e-mails are counted and locked the same way, so a lock tells nothing
 * about whether an account exists. The per-address limit (how many attempts one client may make
 * at all) is @fastify/rate-limit's, on the routes.
 *
 * In memory on purpose: a restart forgets the counts, which costs an attacker a restart they
 * cannot cause; several server processes (PostgreSQL deployments) each keep their own counts.
 */

export const FAILURES_PER_LOCK = 5;
export const FIRST_LOCK_MS = 15 * 60_000;
const MAX_LOCK_MS = 24 * 60 * 60_000;
/** An e-mail without failures for this long starts again from nothing. */
const FORGET_MS = 24 * 60 * 60_000;
/** Entries kept at most (beyond it the unlocked ones are dropped). */
const MAX_ENTRIES = 100_000;

interface Entry {
  /** Failures since the last lock (or since the start). */
  failures: number;
  /** Locks so far: the next lasts FIRST_LOCK_MS × 2^locks. */
  locks: number;
  lockedUntil: number;
  lastFailure: number;
}

export class SignInThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => Date) {}

  private key(email: string): string {
    return email.trim().toLowerCase();
  }

  private entry(email: string): Entry | undefined {
    const key = this.key(email);
    const e = this.entries.get(key);
    if (
      e !== undefined &&
      this.now().getTime() - e.lastFailure > FORGET_MS &&
      e.lockedUntil <= this.now().getTime()
    ) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Seconds until the e-mail may try again; 0 when it may now. */
  retryAfterSeconds(email: string): number {
    const e = this.entry(email);
    if (e === undefined) return 0;
    const wait = e.lockedUntil - this.now().getTime();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /** Counts a failed attempt; returns the seconds of the lock it started (0: none). */
  failed(email: string): number {
    const now = this.now().getTime();
    const key = this.key(email);
    const e = this.entry(email) ?? { failures: 0, locks: 0, lockedUntil: 0, lastFailure: now };
    e.failures += 1;
    e.lastFailure = now;
    let locked = 0;
    if (e.failures >= FAILURES_PER_LOCK) {
      const ms = Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** e.locks);
      e.lockedUntil = now + ms;
      e.locks += 1;
      e.failures = 0;
      locked = Math.ceil(ms / 1000);
    }
    if (!this.entries.has(key) && this.entries.size >= MAX_ENTRIES) this.prune(now);
    this.entries.set(key, e);
    return locked;
  }

  /** A successful sign-in forgets the e-mail's failures and locks. */
  succeeded(email: string): void {
    this.entries.delete(this.key(email));
  }

  private prune(now: number): void {
    for (const [k, e] of this.entries) if (e.lockedUntil <= now) this.entries.delete(k);
    // Still full (an attack locking 100 000 e-mails at once): start over rather than grow.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}

/** "15 minutes", "2 hours": how long a wait in seconds is, for messages. */
export function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
