import { computeMetrics, openStore } from '@license-insights/core';

const store = await openStore({
  dataDir: process.argv[2] ?? 'bench/out/store-S',
  memoryLimit: '',
  threads: 0,
});
const s: any = store;
for (const m of [
  'loadMetricData',
  'writeDailyMetrics',
  'customerIds',
  'metricsPlan',
  'markAllMetricsDirty',
]) {
  const orig = s[m].bind(s);
  let total = 0;
  s[m] = async (...a: any[]) => {
    const t = performance.now();
    const r = await orig(...a);
    total += performance.now() - t;
    return r;
  };
  process.on('exit', () => console.log(m, (total / 1000).toFixed(2), 's'));
}
const r = await computeMetrics(store, { partnerId: 'bench', full: true });
console.log(r);
await store.close();
