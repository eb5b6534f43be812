/**
 * The activity groups a PostgreSQL import builds while it scans equal a plain grouping of the same
 * facts (day masks per customer, user, workload and month; fact counts), whatever the order of the
 * facts, past the growth of every array and of the hash table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActivityAggregate, monthStart } from '../src/activity-aggregate';

type Fact = readonly [customer: string, user: string, workload: string, date: string];

/** Groups as text, from the aggregate's batches. */
function groupsOf(agg: ActivityAggregate, batch: number): string[] {
  const out: string[] = [];
  for (const b of agg.batches(batch)) {
    // A batch names only the customers it holds.
    expect(new Set(b.customer).size).toBe(b.customerIds.length);
    for (let i = 0; i < b.user.length; i++)
      out.push(
        [
          b.customerIds[b.customer[i] as number],
          b.user[i],
          b.workloads[b.workload[i] as number],
          monthStart(b.month[i] as number),
          b.days[i],
          b.n[i],
        ].join('|'),
      );
  }
  return out;
}

/** The same groups, the plain way. */
function plainGroups(facts: readonly Fact[]): string[] {
  const groups = new Map<string, { days: number; n: number }>();
  for (const [c, u, w, d] of facts) {
    const k = [c, u, w, `${d.slice(0, 8)}01`].join('|');
    const g = groups.get(k) ?? { days: 0, n: 0 };
    g.days |= 1 << (Number(d.slice(8, 10)) - 1);
    g.n++;
    groups.set(k, g);
  }
  return [...groups].map(([k, g]) => `${k}|${g.days}|${g.n}`);
}

const day = fc
  .record({
    y: fc.integer({ min: 1900, max: 2999 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

describe('activity groups of a PostgreSQL import', () => {
  it('equal a plain grouping of the facts, in any order and batch size', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('c1', 'c2', 'c3'),
            fc.constantFrom('a@x', 'b@x', 'c@x'),
            fc.constantFrom('EXO', 'SPO', 'TEAMS'),
            fc.oneof(day, fc.constantFrom('2026-01-31', '2026-02-01', '2026-03-31')),
          ),
          { maxLength: 200 },
        ),
        fc.integer({ min: 1, max: 50 }),
        (facts, batch) => {
          const agg = new ActivityAggregate();
          for (const [c, u, w, d] of facts) expect(agg.add(c, u, w, d)).toBe(true);
          expect(agg.records).toBe(facts.length);
          expect(groupsOf(agg, batch).sort()).toEqual(plainGroups(facts).sort());
        },
      ),
    );
  });

  it('grows past its first arrays and hash table: 72 000 groups of 3 000 users, shuffled', () => {
    const facts: Fact[] = [];
    for (let u = 0; u < 3000; u++)
      for (const w of ['EXO', 'TEAMS'])
        for (let m = 1; m <= 12; m++)
          for (const d of ['01', '15', '28'])
            facts.push([`c${u % 17}`, `u${u}`, w, `2025-${String(m).padStart(2, '0')}-${d}`]);
    // A fixed shuffle, so the record before is rarely of the same group.
    let seed = 7;
    for (let i = facts.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [facts[i], facts[j]] = [facts[j] as Fact, facts[i] as Fact];
    }
    const agg = new ActivityAggregate();
    for (const [c, u, w, d] of facts) agg.add(c, u, w, d);
    expect(agg.groups).toBe(3000 * 2 * 12);
    expect(groupsOf(agg, 7000).sort()).toEqual(plainGroups(facts).sort());
  });

  it('takes only days written YYYY-MM-DD from 1900 to 2999, and counts nothing it refused', () => {
    const agg = new ActivityAggregate();
    for (const d of ['2026-02-30', '2026-2-01', '2026-02-01 ', '1899-12-31', '3000-01-01', '', '20260201'])
      expect(agg.add('c', 'u', 'EXO', d), d).toBe(false);
    expect(agg.records).toBe(0);
    expect(agg.groups).toBe(0);
    expect(agg.add('c', 'u', 'EXO', '2024-02-29')).toBe(true);
    expect(agg.add('c', 'u', 'EXO', '1900-01-01')).toBe(true);
    expect(agg.add('c', 'u', 'EXO', '2999-12-31')).toBe(true);
    expect(groupsOf(agg, 10)).toEqual([
      `c|u|EXO|2024-02-01|${1 << 28}|1`,
      'c|u|EXO|1900-01-01|1|1',
      `c|u|EXO|2999-12-01|${1 << 30}|1`,
    ]);
  });

  it('keeps a user of two customers apart, and adds a group whole (n facts)', () => {
    const agg = new ActivityAggregate();
    agg.add('c1', 'same@x', 'EXO', '2026-03-02', 3);
    agg.add('c2', 'same@x', 'EXO', '2026-03-02');
    agg.add('c1', 'same@x', 'EXO', '2026-03-03');
    expect(agg.records).toBe(5);
    expect(groupsOf(agg, 1)).toEqual(['c1|same@x|EXO|2026-03-01|6|4', 'c2|same@x|EXO|2026-03-01|2|1']);
  });
});
