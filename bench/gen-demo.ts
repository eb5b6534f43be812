/** Writes a demo dataset for the benchmarks: gen-demo.ts <dir> <customers> <days> <end> [seed]. */
import { writeDemoDataset } from '@license-insights/core';

const [dir, customers, days, end, seed, seatFactor, activityFactor] = process.argv.slice(2);
if (dir === undefined || customers === undefined || days === undefined || end === undefined)
  throw new Error('usage');
const t = performance.now();
const s = await writeDemoDataset(
  dir,
  {
    customers: Number(customers),
    days: Number(days),
    end,
    seed: seed ?? 'bench',
    seatFactor: Number(seatFactor ?? 1),
    activityFactor: Number(activityFactor ?? 1),
  },
  (d, n) => {
    if (d % 500 === 0) process.stderr.write(`${d}/${n}\n`);
  },
);
process.stdout.write(
  `${JSON.stringify({ ...s, files: undefined, seconds: (performance.now() - t) / 1000 })}\n`,
);
