/**
 * One measurement in its own process (so peak RSS is its own): prints one JSON line.
 *   child.ts import <dataDir> <partner> <customer|-> <file>      (setup files are imported untimed first;
 *                                                                a named customer is created: the store is new)
 *   child.ts read_csv <dbFile> <file>
 */
import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { importFiles, openStore, todayIso } from '@license-insights/core';

const [mode, ...args] = process.argv.slice(2);

async function main(): Promise<Record<string, number | string>> {
  if (mode === 'import') {
    const [dataDir, partnerId, customer, file, ...setup] = args;
    if (dataDir === undefined || partnerId === undefined || file === undefined || customer === undefined)
      throw new Error('usage');
    rmSync(dataDir, { recursive: true, force: true });
    const store = await openStore({ dataDir, memoryLimit: '12GB', threads: 0 });
    const base = {
      partnerId,
      actor: 'bench',
      asOf: todayIso(),
      channel: 'direct' as const,
      partial: false,
      rejectsPath: `${dataDir}/rejects.csv`,
      maxProblemsPerFile: 10,
    };
    if (setup.length > 0) {
      const s = await importFiles(store, { ...base, paths: setup });
      if (s.outcome !== 'committed') throw new Error(`setup import ${s.outcome}`);
    }
    const t = performance.now();
    const r = await importFiles(store, {
      ...base,
      paths: [file],
      ...(customer !== '-' ? { createCustomer: customer, format: 'graph-active-users' as const } : {}),
    });
    const seconds = (performance.now() - t) / 1000;
    if (r.outcome !== 'committed')
      throw new Error(`import ${r.outcome}: ${JSON.stringify(r.files[0]?.errors.slice(0, 3))}`);
    // Activity facts (user × workload × day) stored: the store held none before this file.
    const facts = (await store.status(partnerId)).partners[0]?.activityFacts ?? 0;
    await store.close();
    return {
      seconds,
      rows: r.files[0]?.rows ?? 0,
      facts,
      rssMB: process.resourceUsage().maxRSS / 1024,
    };
  }
  if (mode === 'read_csv') {
    const [dbFile, file] = args;
    if (dbFile === undefined || file === undefined) throw new Error('usage');
    rmSync(dbFile, { force: true });
    rmSync(`${dbFile}.wal`, { force: true });
    const instance = await DuckDBInstance.create(dbFile);
    const c = await instance.connect();
    const t = performance.now();
    await c.run(
      `CREATE TABLE plain AS SELECT * FROM read_csv($1, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`,
      [file],
    );
    const seconds = (performance.now() - t) / 1000;
    const rows = Number((await c.runAndReadAll('SELECT count(*) FROM plain')).getRows()[0]?.[0] ?? 0);
    c.closeSync();
    instance.closeSync();
    return { seconds, rows, rssMB: process.resourceUsage().maxRSS / 1024 };
  }
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
