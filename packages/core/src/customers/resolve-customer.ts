/**
 * Which customer a person means. One pure function over the partner's customers, used by every
 * command that names one (import --customer, the customer and support reports, recommendations,
 * exclusions). The first rule that matches decides:
 *   1. the customer id, exactly (the tenant id, where that is the id);
 *   2. a domain, case-insensitively: the customer's own domain or the domain of one of its users'
 *      sign-in names (UPNs; concealed names, 32-character hashes, have none);
 *   3. the name, case-insensitively (surrounding spaces ignored).
 * Several customers at one rule are ambiguous: never a guess, the error lists them with their ids.
 * Nothing found is unknown, with near matches to suggest. Nothing is created here: a new customer
 * is asked for explicitly (`--create-customer`), and `newCustomerId` gives it a stable id.
 */
import { AppError, type ErrorHint } from '../errors';

export interface CustomerCandidate {
  readonly customerId: string;
  readonly name: string;
  readonly domain: string | null;
  /**
   * Domains (lower case) of the customer's users' sign-in names: all of them, or only those that can
   * match the query (the store looks up the one domain typed; see `userDomainOf`).
   */
  readonly userDomains: readonly string[];
}

/** The domain a query may name (lower case), or null when it cannot be one (no users' domain then matters). */
export function userDomainOf(query: string): string | null {
  const q = query.trim().toLowerCase();
  return looksLikeDomain(q) ? q : null;
}

export type CustomerMatchRule = 'id' | 'domain' | 'name';

export type CustomerResolution<C extends CustomerCandidate> =
  | { readonly kind: 'found'; readonly customer: C; readonly by: CustomerMatchRule }
  | { readonly kind: 'ambiguous'; readonly by: 'domain' | 'name'; readonly candidates: readonly C[] }
  | { readonly kind: 'unknown'; readonly near: readonly C[] };

/** Near matches suggested for an unknown customer, at most. */
const NEAR_MATCHES = 5;

export function resolveCustomer<C extends CustomerCandidate>(
  customers: readonly C[],
  query: string,
): CustomerResolution<C> {
  // Ids never have surrounding spaces (the import refuses them).
  const id = query.trim();
  const byId = customers.find((c) => c.customerId === id);
  if (byId !== undefined) return { kind: 'found', customer: byId, by: 'id' };
  const q = id.toLowerCase();
  if (q === '') return { kind: 'unknown', near: [] };
  const byDomain = customers.filter((c) => c.domain?.trim().toLowerCase() === q || c.userDomains.includes(q));
  const decided = decide(byDomain, 'domain');
  if (decided !== null) return decided;
  const byName = customers.filter((c) => c.name.trim().toLowerCase() === q);
  return decide(byName, 'name') ?? { kind: 'unknown', near: nearMatches(customers, q) };
}

function decide<C extends CustomerCandidate>(
  matches: readonly C[],
  by: 'domain' | 'name',
): CustomerResolution<C> | null {
  const [first, second] = matches;
  if (first === undefined) return null;
  if (second === undefined) return { kind: 'found', customer: first, by };
  return { kind: 'ambiguous', by, candidates: [...matches].sort(byIdOrder) };
}

const byIdOrder = (a: CustomerCandidate, b: CustomerCandidate) =>
  a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0;

/**
 * Customers whose id, name or domain contains the query or is a few edits from it (about one
 * edit per four characters), closest first.
 */
function nearMatches<C extends CustomerCandidate>(customers: readonly C[], q: string): C[] {
  const scored: { c: C; score: number }[] = [];
  const limit = Math.max(1, Math.floor(q.length / 4));
  for (const c of customers) {
    const texts = [c.customerId, c.name, c.domain ?? '', ...c.userDomains]
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== '');
    let score = Number.POSITIVE_INFINITY;
    for (const t of texts) {
      if (q.length >= 3 && (t.includes(q) || (t.length >= 3 && q.includes(t)))) score = Math.min(score, 0);
      else {
        const d = editDistance(q, t, limit);
        if (d <= limit) score = Math.min(score, d);
      }
    }
    if (Number.isFinite(score)) scored.push({ c, score });
  }
  scored.sort((a, b) => a.score - b.score || a.c.name.localeCompare(b.c.name) || byIdOrder(a.c, b.c));
  return scored.slice(0, NEAR_MATCHES).map((s) => s.c);
}

/** Levenshtein distance, or limit + 1 once it must exceed the limit (cheap for far strings). */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length] ?? limit + 1;
}

/** A customer as messages show it: name, id and domain. */
export function describeCustomer(c: CustomerCandidate): string {
  const domain = c.domain ?? (c.userDomains.length === 1 ? c.userDomains[0] : undefined);
  return `${c.name} (id ${c.customerId}${domain ? `, ${domain}` : ''})`;
}

/**
 * The customer a query names, or an error that teaches the fix: ambiguous matches listed with
 * their ids, an unknown name with its near matches. `unknownHint` goes with the unknown-customer
 * error (the import's: how to create one).
 */
export function expectCustomer<C extends CustomerCandidate>(
  customers: readonly C[],
  query: string,
  unknownHint?: ErrorHint,
): { readonly customer: C; readonly by: CustomerMatchRule } {
  const r = resolveCustomer(customers, query);
  if (r.kind === 'found') return r;
  const q = JSON.stringify(query);
  if (r.kind === 'ambiguous') {
    const what = r.by === 'domain' ? `the domain ${q} belongs to` : `${q} is the name of`;
    throw new AppError(
      'usage.invalid_argument',
      `${what} ${r.candidates.length} customers: ${r.candidates.map(describeCustomer).join('; ')}. Name the one you mean by its id`,
    );
  }
  const near =
    r.near.length > 0
      ? `. Did you mean ${r.near.map(describeCustomer).join('; ')}?`
      : customers.length === 0
        ? ' (no customers are stored yet).'
        : '.';
  throw new AppError(
    'not_found',
    `no customer with the id, domain or name ${q}${near}`,
    [],
    unknownHint === undefined ? undefined : { hint: unknownHint },
  );
}

const FOLD: Readonly<Record<string, string>> = { ł: 'l', ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', đ: 'd', þ: 'th' };

/**
 * A stable id for a new customer, from its name: lower-case letters and digits joined by "-"
 * ("Contoso Sp. z o.o." → "contoso-sp-z-o-o"), at most 64 characters; "-2", "-3"… when the id is
 * taken. A name with no such letters gets "customer".
 */
export function newCustomerId(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[łøßæœđþ]/g, (ch) => FOLD[ch] ?? ch)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64)
      .replace(/-+$/, '') || 'customer';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/** A name that is a domain (`contoso.com`): stored as the new customer's domain too. */
export function looksLikeDomain(name: string): boolean {
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/i.test(name.trim());
}
