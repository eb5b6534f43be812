/**
 * Import progress (issue 9, item 11): one fraction that moves by rows within a file and never goes
 * back between phases (bug: the bar moved by whole files only — the store's progress was never
 * turned on — and fell back to 0 % when phase 2 began again at the first file).
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TempStore, tempStore } from '../src/testing';
import { type ImportProgress, ProgressTracker } from '../src/use-cases/import-progress';

describe('ProgressTracker', () => {
  it('weighs files by size, moves inside a step by the statement progress, never back, ends at 1', () => {
    let pct = -1;
    const events: ImportProgress[] = [];
    const tracker = new ProgressTracker(
      () => pct,
      (p) => events.push(p),
      [
        { file: 'small.csv', bytes: 100, readFirst: true },
        { file: 'big.csv', bytes: 9_900, readFirst: true },
      ],
      0,
    );
    const last = () => events[events.length - 1]?.fraction ?? Number.NaN;
    tracker.enter(1, 0, 'small.csv', 'reading');
    expect(last()).toBe(0);
    tracker.enter(1, 1, 'big.csv', 'reading');
    const bigStart = last();
    expect(bigStart).toBeCloseTo(0.006); // 60 % of 1 % of the work
    pct = 50;
    tracker.tick();
    const halfway = last();
    // Weights: reading 60 % of a file's bytes, validating and merging 15 % each, commit 10 % of all:
    // the big file's reading spans 60 … 6,000 of 10,000.
    expect(halfway).toBeCloseTo((60 + 5_940 * 0.5) / 10_000);
    pct = 10; // the next statement of the same step starts again at 0 %
    tracker.tick();
    expect(last()).toBe(halfway);
    pct = 100;
    tracker.tick();
    expect(last()).toBeLessThan(0.6); // a step's end is reached only when it ends
    pct = -1;
    tracker.enter(2, 0, 'small.csv', 'validating'); // phase 2 begins again at the first file
    expect(last()).toBeGreaterThanOrEqual(halfway);
    tracker.enter(2, 1, 'big.csv', 'merging');
    tracker.committing();
    expect(last()).toBeCloseTo(0.9);
    tracker.finish();
    expect(last()).toBe(1);
    expect(events[events.length - 1]?.phase).toBe('done');
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(events.map((e) => e.phase)).toContain('committing');
  });
});

describe('import progress events', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(async () => {
    await t.close();
  });

  it('advance by rows inside the activity file and never go back, reaching 1', async () => {
    t.files.file('ds/customers.csv', 'customer_id,name\nc1,Contoso\n');
    t.files.file(
      'ds/users.csv',
      `customer_id,user_id\n${Array.from({ length: 50 }, (_, i) => `c1,u${i}`).join('\n')}\n`,
    );
    const rows: string[] = [];
    for (let i = 0; i < 1_500_000; i++)
      rows.push(`c1,u${i % 50},EXO,2026-03-${String((i % 28) + 1).padStart(2, '0')}`);
    t.files.file('ds/activity.csv', `customer_id,user_id,workload,date\n${rows.join('\n')}\n`);
    const events: ImportProgress[] = [];
    const r = await t.import([path.join(t.files.dir, 'ds')], {
      onProgress: (p) => events.push(p),
      progressIntervalMs: 5,
    });
    expect(r.outcome).toBe('committed');
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions[0]).toBe(0);
    expect(fractions[fractions.length - 1]).toBe(1);
    // The activity file is read in phase 1: its step starts at the first event naming it and ends
    // at the next step; events in between carry DuckDB's progress of the read.
    const reading = events.findIndex((e) => e.phase === 'reading' && e.file.endsWith('activity.csv'));
    const next = events.findIndex(
      (e, i) => i > reading && (e.phase !== 'reading' || e.file !== events[reading]?.file),
    );
    const inside = events.slice(reading + 1, next).map((e) => e.fraction);
    const start = events[reading]?.fraction ?? 1;
    expect(
      inside.filter((f) => f > start).length,
      'the bar moved while the activity file was read',
    ).toBeGreaterThan(0);
    // Phase 2 starts again at the first file, the bar does not: its first event is past phase 1.
    const phase2 = events.find((e) => e.phase === 'validating' || e.phase === 'merging');
    expect(phase2?.fraction).toBeGreaterThanOrEqual(Math.max(...inside, start));
    expect(phase2?.fraction).toBeGreaterThan(0.5);
  });
});
