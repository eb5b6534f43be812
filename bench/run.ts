/**
 * `npm run bench [-- <name>...]`: runs the benchmarks and prints their tables. Each one compares
 * against a baseline measured in the same run on the same machine.
 *   import     import throughput of activity rows vs DuckDB's own read_csv (issue: foundation)
 *   metrics    the metric engine at S and L scale vs a straightforward SQL baseline (issue: metrics)
 * Options: --quick (1 M rows only).
 */
import { runImportBench } from './import-throughput';
import { runMetricsBench } from './metrics-bench';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((a) => !a.startsWith('--'));
const all = ['import', 'metrics'];
for (const name of names.length > 0 ? names : all) {
  if (name === 'import') await runImportBench({ quick });
  else if (name === 'metrics') await runMetricsBench({ quick });
  else {
    process.stderr.write(`unknown benchmark ${name}; known: ${all.join(', ')}\n`);
    process.exitCode = 2;
  }
}
