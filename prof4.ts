import { DATE, DuckDBDataChunk, DuckDBInstance, INTEGER, UTINYINT } from '@duckdb/node-api';

const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
const N = 1890000;
const types = [INTEGER, INTEGER, UTINYINT, DATE, ...Array(12).fill(INTEGER)];
await c.run(
  `CREATE OR REPLACE TEMP TABLE m_rows (c INTEGER, p INTEGER, w UTINYINT, day DATE, ${Array.from({ length: 12 }, (_, i) => `x${i} INTEGER`).join(', ')})`,
);
const cols = types.map((t) => (t === UTINYINT ? new Uint8Array(N) : new Int32Array(N)));
let tc = 0,
  tv = 0,
  ta = 0;
const app = await c.createAppender('m_rows', 'main', 'temp');
const t0 = performance.now();
for (let off = 0; off < N; off += 2048) {
  const n = Math.min(2048, N - off);
  let t = performance.now();
  const ch = DuckDBDataChunk.create(types, n);
  tc += performance.now() - t;
  t = performance.now();
  cols.forEach((col, i) => {
    const v: any = ch.getColumnVector(i);
    v.items.set(col.subarray(off, off + n));
    v.flush();
  });
  tv += performance.now() - t;
  t = performance.now();
  app.appendDataChunk(ch);
  ta += performance.now() - t;
}
const t = performance.now();
app.closeSync();
const tclose = performance.now() - t;
console.log({
  create: tc | 0,
  vectors: tv | 0,
  append: ta | 0,
  close: tclose | 0,
  total: (performance.now() - t0) | 0,
});
