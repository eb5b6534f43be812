/**
 * Runs one import in this process and marks its moments on stderr, so a test can SIGKILL it at a
 * chosen point of the commit: `COMMITTING` just before COMMIT, `COMMITTED` after it, `CLOSED` after
 * the store is closed. The same use case as `insights import`, without the command-line layer.
 *
 *   node --import tsx import-in-child.ts <data dir> <partner> <dataset path>
 */
import path from 'node:path';
import { openStore } from '../../src/store/open-store';
import { importFiles } from '../../src/use-cases/import-files';

const [dataDir, partnerId, dataset] = process.argv.slice(2);
if (dataDir === undefined || partnerId === undefined || dataset === undefined) {
  process.stderr.write('usage: import-in-child.ts <data dir> <partner> <dataset path>\n');
  process.exit(2);
}
const mark = (what: string) => process.stderr.write(`${what}\n`); // synchronous on pipes
const store = await openStore({ dataDir, memoryLimit: '1GB', threads: 1 });
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
mark('COMMITTED');
await store.close();
mark('CLOSED');
process.exit(report.outcome === 'committed' ? 0 : 1);
