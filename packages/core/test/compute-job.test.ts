/**
 * The compute as a job: it yields to the event loop while it works (a server keeps answering),
 * reports its progress by phase, stops on a signal with the stored metrics as before, and keeps
 * its scratch memory to itself (two computes at once give what each gives alone).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../src/demo/generate-demo';
import { isAppError } from '../src/errors';
import { type TempStore, tempStore } from '../src/testing';
import { type ComputeProgress, computeMetrics } from '../src/use-cases/compute-metrics';

const PARTNER = 'p-test';
let t: TempStore;
let other: TempStore;
const days = ['2026-01-15', '2026-02-28', '2026-03-31'];
const metricsOf = (s: TempStore) => Promise.all(days.map((d) => s.store.dailyMetrics(PARTNER, d)));

beforeAll(async () => {
  t = await tempStore();
  other = await tempStore();
  const a = path.join(t.files.dir, 'a');
  await writeDemoDataset(a, { customers: 24, seed: 'job', days: 200, end: '2026-03-31' });
  await t.import([a]);
  const b = path.join(other.files.dir, 'b');
  await writeDemoDataset(b, { customers: 16, seed: 'job-b', days: 150, end: '2026-03-31' });
  await other.import([b]);
}, 120_000);
afterAll(async () => {
  await t.close();
  await other.close();
});

describe('the compute job', () => {
  it('stops on a signal: nothing of it is stored, the metrics stay as before (never computed here)', async () => {
    const abort = new AbortController();
    const run = computeMetrics(t.store, {
      partnerId: PARTNER,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase === 'computing' && p.done > 0) abort.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e) => isAppError(e) && e.code === 'interrupted');
    expect((await t.store.metricsPlan(PARTNER)).computed).toBeNull();
    expect((await metricsOf(t)).flat()).toEqual([]);
  });

  it('yields to the event loop while it computes, and reports its phases in order', async () => {
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const phases: ComputeProgress[] = [];
    const ticksAt = new Map<string, number>();
    const r = await computeMetrics(t.store, {
      partnerId: PARTNER,
      sliceMs: 0,
      onProgress: (p) => {
        phases.push(p);
        if (!ticksAt.has(p.phase)) ticksAt.set(p.phase, ticks);
      },
    });
    running = false;
    expect(r.mode).toBe('full');
    // The engine phase awaits no database: other callbacks ran in it only because it yields
    // (with 0 ms slices: between every two customers).
    expect((ticksAt.get('writing') ?? 0) - (ticksAt.get('computing') ?? 0)).toBeGreaterThanOrEqual(23);
    const seen = [...new Set(phases.map((p) => p.phase))];
    expect(seen).toEqual(['loading', 'computing', 'writing', 'committing']);
    expect(phases.at(-1)).toEqual({ phase: 'committing', done: 24, total: 24 });
    for (let i = 1; i < phases.length; i++)
      expect((phases[i] as ComputeProgress).done).toBeGreaterThanOrEqual(
        (phases[i - 1] as ComputeProgress).done,
      );
  });

  it('cancelled while it writes, the stored metrics are those computed before', async () => {
    const before = await metricsOf(t);
    expect(before.flat().length).toBeGreaterThan(50);
    await computeMetrics(t.store, { partnerId: PARTNER, full: true, signal: AbortSignal.abort() }).catch(
      () => {},
    );
    const abort = new AbortController();
    await computeMetrics(t.store, {
      partnerId: PARTNER,
      full: true,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase === 'writing') abort.abort();
      },
    }).catch((e: unknown) => expect(isAppError(e) && e.code === 'interrupted').toBe(true));
    expect(await metricsOf(t)).toEqual(before);
    expect(await t.store.verifyIntegrity()).toEqual([]);
  });

  it('its engine in a worker thread gives exactly what it gives in the thread of the compute', async () => {
    await computeMetrics(t.store, { partnerId: PARTNER, full: true, engine: 'inline' });
    const inline = await metricsOf(t);
    const progress: number[] = [];
    const r = await computeMetrics(t.store, {
      partnerId: PARTNER,
      full: true,
      engine: 'worker',
      onProgress: (p) => progress.push(p.done),
    });
    expect(r.mode).toBe('full');
    expect(await metricsOf(t)).toEqual(inline);
    expect(progress.at(-1)).toBe(24);
  });

  it('a compute whose worker thread is stopped by a cancel leaves the metrics as before', async () => {
    const before = await metricsOf(t);
    const abort = new AbortController();
    const run = computeMetrics(t.store, {
      partnerId: PARTNER,
      full: true,
      engine: 'worker',
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase === 'computing') abort.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e) => isAppError(e) && e.code === 'interrupted');
    expect(await metricsOf(t)).toEqual(before);
  });

  it('two computes at once give what each gives alone (scratch memory belongs to one compute)', async () => {
    const alone = await metricsOf(t);
    await computeMetrics(other.store, { partnerId: PARTNER });
    const otherAlone = await metricsOf(other);
    await Promise.all([
      computeMetrics(t.store, { partnerId: PARTNER, full: true }),
      computeMetrics(other.store, { partnerId: PARTNER, full: true }),
    ]);
    expect(await metricsOf(t)).toEqual(alone);
    expect(await metricsOf(other)).toEqual(otherAlone);
  });
});
