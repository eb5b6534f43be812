import { DuckDBInstance } from '@duckdb/node-api';

const inst = await DuckDBInstance.create(process.argv[2] ?? 'bench/out/store-S/insights.duckdb');
const c = await inst.connect();
const r =
  await c.runAndReadAll(`SELECT count(*) AS rows, sum(CASE WHEN changed THEN 1 ELSE 0 END) AS runs FROM (
  SELECT (lag(active) OVER w IS DISTINCT FROM active) OR (lag(sold) OVER w IS DISTINCT FROM sold) OR (lag(assigned) OVER w IS DISTINCT FROM assigned)
         OR (lag(u_rotation) OVER w IS DISTINCT FROM u_rotation) OR (lag(u_unlicensed) OVER w IS DISTINCT FROM u_unlicensed) AS changed
  FROM daily_metrics WINDOW w AS (PARTITION BY customer_id, product_id, workload ORDER BY day))`);
console.log(r.getRowObjectsJson());
