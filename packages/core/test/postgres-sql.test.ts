/**
 * The `sql` tag is engine-neutral (its doc says so): the same compiled text and parameters run on
 * a real PostgreSQL 15 give back every value as bound — quotes, Unicode, nulls, numbers, big
 * integers, booleans and lists of text — and a value never becomes SQL. The PostgreSQL store
 * (issue 14) builds on this.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, ident, join, raw, sql } from '../src/store/sql';
import { startPostgres, type TestPostgres } from '../src/testing/postgres';

let server: TestPostgres | null = null;
let client: pg.Client | null = null;

beforeAll(async () => {
  server = await startPostgres();
  if (server === null) return;
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
}, 60_000);

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

describe('the sql tag on PostgreSQL 15', () => {
  const run = async (fragment: ReturnType<typeof sql>) => {
    if (client === null) throw new Error('no PostgreSQL here');
    const { text, params } = compile(fragment);
    return client.query({ text, values: params as unknown[] });
  };

  it('runs on a loopback PostgreSQL 15', async () => {
    if (client === null) return expect(process.env.CI).not.toBe('true');
    const r = await run(
      sql`SELECT current_setting('server_version_num')::INTEGER AS v, inet_server_addr()::TEXT AS host`,
    );
    expect(Math.floor(Number(r.rows[0].v) / 10_000)).toBe(15);
    expect(r.rows[0].host).toBe('127.0.0.1/32');
  });

  it('gives back every bound value as it was bound, and a value is never SQL', async () => {
    if (client === null) return expect(process.env.CI).not.toBe('true');
    const nasty = "Contoso'; DROP TABLE t; --";
    const r = await run(
      sql`SELECT ${nasty}::TEXT AS a, ${'Zażółć gęślą jaźń 🙂'}::TEXT AS b, ${null}::TEXT AS c,
                 ${42}::INTEGER AS d, ${1.25}::DOUBLE PRECISION AS e, ${9_007_199_254_740_993n}::BIGINT AS f,
                 ${true}::BOOLEAN AS g, ${['x', "o'k", '']}::TEXT[] AS h, ${[]}::TEXT[] AS i`,
    );
    expect(r.rows[0]).toEqual({
      a: nasty,
      b: 'Zażółć gęślą jaźń 🙂',
      c: null,
      d: 42,
      e: 1.25,
      // pg returns BIGINT as text: the store normalises at its edge.
      f: '9007199254740993',
      g: true,
      h: ['x', "o'k", ''],
      i: [],
    });
  });

  it('nests fragments, identifiers and lists as the DuckDB store does', async () => {
    if (client === null) return expect(process.env.CI).not.toBe('true');
    await run(sql`CREATE TEMP TABLE ${ident('li_t')} (customer_id TEXT, n INTEGER)`);
    const rows = [
      ['c-1', 1],
      ['c-2', 2],
      ['c-3', 3],
    ] as const;
    await run(sql`INSERT INTO li_t VALUES ${join(rows.map(([c, n]) => sql`(${c}, ${n})`))}`);
    const only = sql`customer_id = ANY(${['c-1', 'c-3']}::TEXT[])`;
    const r = await run(sql`SELECT customer_id, n FROM li_t WHERE ${only} ${raw('ORDER BY n DESC')}`);
    expect(r.rows).toEqual([
      { customer_id: 'c-3', n: 3 },
      { customer_id: 'c-1', n: 1 },
    ]);
  });
});
