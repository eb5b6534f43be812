/**
 * `npm run bench [-- <name>...]`: runs the benchmarks and prints their tables. Each one compares
 * against a baseline measured in the same run on the same machine.
 *   import     import throughput of activity rows vs DuckDB's own read_csv (issue: foundation)
 *   metrics    the metric engine at S and L scale vs a straightforward SQL baseline (issue: metrics)
 *   api        the HTTP API on the L portfolio under load vs the CLI report path (issue 12)
 *   web        the dashboard in headless Chromium on the L portfolio vs its own API calls (issue 13)
 *   stores     import, full compute and the portfolio API on DuckDB, PostgreSQL and Citus (issue 14)
 * Options: --quick (import: 1 M rows only; metrics: S only; api: 3 s per scenario, a short import; web: 3 loads each;
 *   stores: 3 s of reads), --large (stores: L on DuckDB and PostgreSQL too).
 */
import { runApiBench } from './api-bench';
import { runImportBench } from './import-throughput';
import { runMetricsBench } from './metrics-bench';
import { runStoresBench } from './stores-bench';
import { runWebBench } from './web-bench';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((a) => !a.startsWith('--'));
const large = args.includes('--large');
const all = ['import', 'metrics', 'api', 'web', 'stores'];
for (const name of names.length > 0 ? names : all) {
  if (name === 'import') await runImportBench({ quick });
  else if (name === 'metrics') await runMetricsBench({ quick });
  else if (name === 'api') await runApiBench({ quick });
  else if (name === 'web') await runWebBench({ quick });
  else if (name === 'stores') await runStoresBench({ quick, large });
  else {
    process.stderr.write(`unknown benchmark ${name}; known: ${all.join(', ')}\n`);
    process.exitCode = 2;
  }
}
