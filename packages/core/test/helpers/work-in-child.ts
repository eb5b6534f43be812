/**
 * Runs an import or a compute in this process while three readers read the store over and over,
 * and marks the moments on stderr so a test can SIGKILL it inside the COMMIT: `COMMITTING` just
 * before the commit (which waits for the open reads, then commits), `COMMITTED` after it, `CLOSED`
 * after the store is closed.
 *
 *   node --import tsx work-in-child.ts <data dir> <partner> import <dataset path>
 *   node --import tsx work-in-child.ts <data dir> <partner> compute
 */
import path from 'node:path';
import { openStore } from '../../src/store/open-store';
import { computeMetrics } from '../../src/use-cases/compute-metrics';
import { importFiles } from '../../src/use-cases/import-files';

const [dataDir, partnerId, mode, dataset] = process.argv.slice(2);
if (dataDir === undefined || partnerId === undefined || (mode !== 'import' && mode !== 'compute')) {
  process.stderr.write('usage: work-in-child.ts <data dir> <partner> import <dataset> | compute\n');
  process.exit(2);
}
const mark = (what: string) => process.stderr.write(`${what}\n`); // synchronous on pipes
const store = await openStore({ dataDir, memoryLimit: '1GB', threads: 1 });
let working = true;
let reads = 0;
const reader = async () => {
  while (working) {
    await store.read(async (q) => {
      await q.status(partnerId);
      await q.dailyMetrics(partnerId, '2026-03-31');
      await q.dumpCanonical(partnerId, 'customers');
    });
    reads++;
  }
};
const readers = [reader(), reader(), reader()];
if (mode === 'import') {
  if (dataset === undefined) process.exit(2);
  const report = await importFiles(store, {
    partnerId,
    actor: 'kill-test',
    paths: [dataset],
    asOf: '2026-03-31',
    channel: 'direct',
    partial: false,
    rejectsPath: path.join(dataDir, 'rejects.csv'),
    maxProblemsPerFile: 10,
    onProgress: (p) => {
      if (p.phase === 'committing') mark('COMMITTING');
    },
  });
  if (report.outcome !== 'committed') process.exit(1);
} else {
  await computeMetrics(store, {
    partnerId,
    onProgress: (p) => {
      if (p.phase === 'committing') mark('COMMITTING');
    },
  });
}
mark('COMMITTED');
working = false;
await Promise.all(readers);
mark(`READS ${reads}`);
await store.close();
mark('CLOSED');
process.exit(0);
