/**
 * What the partner's data is and can tell, read by the PostgreSQL store from a copied demo
 * portfolio, equals what the embedded store reads from the original: status (whole partner and a
 * staff scope), the metrics plan, the partner's products, the resolver's candidates, measured
 * sources, the data-trust panel and the canonical dump of every entity.
 */
import { CANONICAL_ENTITIES } from '@license-insights/contracts';
import type { StoreReader } from '@license-insights/core/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CopiedDemo, copiedDemo } from './helpers/copied-demo';
import { describeEngines } from './helpers/engines';

interface Reads {
  read<T>(work: (q: StoreReader) => Promise<T>): Promise<T>;
}

describeEngines('status reads', (engine) => {
  let demo: CopiedDemo;
  beforeAll(async () => {
    demo = await copiedDemo({ seed: 'status', engine });
  }, 300_000);
  afterAll(async () => {
    await demo?.close();
  });

  const look = (s: Reads, P: string) =>
    s.read(async (q) => {
      const ids = await q.customerIds(P);
      const some = [ids[5] ?? '', ids[1] ?? ''];
      const status = await q.status(P);
      const scoped = await q.status(P, some);
      const all = await q.status();
      const whole = status.partners[0];
      const part = scoped.partners[0];
      const candidates = await q.customerCandidates(P, null);
      const domain = (await q.dumpCanonical(P, 'users'))[0]?.upn?.split('@')[1] ?? null;
      const dumps: Record<string, unknown> = {};
      for (const e of CANONICAL_ENTITIES) dumps[e] = await q.dumpCanonical(P, e);
      return {
        engineless: { ...all, store: '', engine: '', schemaVersion: 0 },
        whole,
        part,
        plan: await q.metricsPlan(P),
        products: await q.partnerProducts(P),
        candidates,
        byDomain: await q.customerCandidates(P, domain === null ? null : ` ${domain.toUpperCase()} `),
        measured: [...(await q.measuredSources(P)).entries()],
        measuredSome: [...(await q.measuredSources(P, some)).entries()],
        trust: await q.dataTrust(P),
        trustOne: await q.dataTrust(P, [some[0] as string]),
        dumps,
      };
    });

  it('answers as the embedded store answers', async () => {
    const P = demo.partnerId;
    const fromCopy = await look(demo.copy, P);
    const fromDuck = await look(demo.duck.store, P);
    for (const key of Object.keys(fromDuck) as (keyof typeof fromDuck)[])
      expect(fromCopy[key], key).toEqual(fromDuck[key]);
    // Not trivially equal: the demo has data everywhere these reads look.
    expect(fromCopy.whole?.customers).toBe(8);
    expect(fromCopy.whole?.activityFacts).toBeGreaterThan(100);
    expect(fromCopy.part?.customers).toBe(2);
    expect(fromCopy.whole?.recentImports.length).toBeGreaterThan(0);
    expect(fromCopy.byDomain.some((c) => c.userDomains.length > 0)).toBe(true);
    expect(fromCopy.measured.length).toBe(8);
    expect(fromCopy.trust.length).toBe(8);
    expect((fromCopy.dumps.activity as unknown[]).length).toBeGreaterThan(100);
  });
});
