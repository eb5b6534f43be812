import { DATE, DuckDBDataChunk, DuckDBInstance, INTEGER, UTINYINT } from '@duckdb/node-api';

const inst = await DuckDBInstance.create('/tmp/prof3.duckdb');
const c = await inst.connect();
const N = 1890000;
const types = [INTEGER, INTEGER, UTINYINT, DATE, ...Array(12).fill(INTEGER)];
await c.run(
  `CREATE OR REPLACE TEMP TABLE m_rows (c INTEGER, p INTEGER, w UTINYINT, day DATE, ${Array.from({ length: 12 }, (_, i) => `x${i} INTEGER`).join(', ')})`,
);
await c.run(
  `CREATE OR REPLACE TABLE dm (partner_id VARCHAR, customer_id VARCHAR, product_id VARCHAR, workload VARCHAR, day DATE, ${Array.from({ length: 12 }, (_, i) => `x${i} INTEGER`).join(', ')})`,
);
await c.run(
  `CREATE OR REPLACE TABLE dmi (partner_key SMALLINT, c INTEGER, p INTEGER, w UTINYINT, day DATE, ${Array.from({ length: 12 }, (_, i) => `x${i} INTEGER`).join(', ')})`,
);
const cols = types.map((t) => (t === UTINYINT ? new Uint8Array(N) : new Int32Array(N)));
for (let i = 0; i < N; i++) {
  cols[0][i] = Math.floor(i / 3780);
  cols[1][i] = ((i / 420) | 0) % 4;
  cols[2][i] = ((i / 60) | 0) % 7;
  cols[3][i] = 20000 + (i % 400);
  cols[4][i] = i % 50;
  cols[7][i] = i % 40;
}
let t = performance.now();
const app = await c.createAppender('m_rows', 'main', 'temp');
for (let off = 0; off < N; off += 2048) {
  const n = Math.min(2048, N - off);
  const ch = DuckDBDataChunk.create(types, n);
  cols.forEach((col, i) => {
    const v: any = ch.getColumnVector(i);
    v.items.set(col.subarray(off, off + n));
    v.flush();
  });
  app.appendDataChunk(ch);
}
app.closeSync();
console.log('append temp', (performance.now() - t).toFixed(0));
const cust = Array.from({ length: 500 }, (_, i) => `c-${i}-0000-0000-0000-000000000000`);
t = performance.now();
await c.run('BEGIN');
await c.run(
  `INSERT INTO dm SELECT 'bench', list_extract($1, c + 1), list_extract(['p1','p2','p3','p4'], p + 1), list_extract(['ALL','EXO','SPO','TEAMS','YAM','SFB','OFFICE'], w + 1), day, ${Array.from({ length: 12 }, (_, i) => `x${i}`).join(', ')} FROM m_rows`,
  [cust as any],
);
await c.run('COMMIT');
console.log('insert strings', (performance.now() - t).toFixed(0));
t = performance.now();
await c.run('BEGIN');
await c.run(
  `INSERT INTO dmi SELECT 1, c, p, w, day, ${Array.from({ length: 12 }, (_, i) => `x${i}`).join(', ')} FROM m_rows`,
);
await c.run('COMMIT');
console.log('insert ints', (performance.now() - t).toFixed(0));
t = performance.now();
await c.run('BEGIN');
const app2 = await c.createAppender('dmi');
const types2 = [INTEGER, ...types];
for (let off = 0; off < N; off += 2048) {
  const n = Math.min(2048, N - off);
  const ch = DuckDBDataChunk.create([...types2], n);
  [new Int32Array(n).fill(1), ...cols.map((col) => col.subarray(off, off + n))].forEach((col, i) => {
    const v: any = ch.getColumnVector(i);
    v.items.set(col);
    v.flush();
  });
  app2.appendDataChunk(ch);
}
app2.closeSync();
await c.run('COMMIT');
console.log('append direct ints', (performance.now() - t).toFixed(0));
