/**
 * `insights migrate-store --from <dir|url> --to <dir|url>`: copies a whole store into an empty
 * one of either engine (the embedded store in a directory, or PostgreSQL by its postgres:// URL),
 * and verifies the copy: per-table row counts and a checksum of every partner's metric runs and
 * sum runs (core use-cases/migrate-store.ts).
 */
import path from 'node:path';
import { AppError, type MigrateReport, migrateStore, openStore, type Store } from '@license-insights/core';
import type { Command, CommandContext } from '../command';
import { EXIT } from '../exit-codes';
import { formatCount, ProgressBar, paint, renderTable } from '../output';

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

export const migrateStoreCommand: Command = {
  name: 'migrate-store',
  summary: 'copy a whole store to another engine (embedded ⇄ PostgreSQL), verified',
  usage: 'insights migrate-store --from <dir|url> --to <dir|url>',
  description: `Copies every table of a store — data, metrics, settings, exclusions, audit log — into an empty
store: from the embedded store in a directory to PostgreSQL (postgres://user@host:5432/db), or
back. The copy is one transaction on the target: it lands whole or not at all, and a target that
already holds data is refused. Then it is verified: every table's rows counted on both sides, and
every partner's metrics compared by checksum (every metric run and sum run). Staff accounts
(accounts.duckdb) are not copied: create them again on the new store (insights users).
Stop a server that serves the source first: the embedded store has one owner process.`,
  options: {
    from: {
      type: 'string',
      value: 'dir|url',
      description: 'the store to copy: a directory, or a postgres:// URL',
    },
    to: {
      type: 'string',
      value: 'dir|url',
      description: 'the empty store to fill: a directory, or a postgres:// URL',
    },
  },
  examples: [
    'insights migrate-store --from ./data --to postgres://insights@db.example:5432/insights',
    'insights migrate-store --from postgres://insights@db.example:5432/insights --to ./copy',
  ],
  async run(ctx, values) {
    const from = values.from;
    const to = values.to;
    if (typeof from !== 'string' || typeof to !== 'string' || from === '' || to === '') {
      throw new AppError(
        'usage.invalid_argument',
        'both --from and --to are needed: a store directory or a postgres:// URL each; see insights migrate-store --help',
      );
    }
    const source = await openEnd(ctx, from, false);
    let target: Store | null = null;
    const bar = new ProgressBar(ctx.term);
    try {
      target = await openEnd(ctx, to, true);
      const counts = await source.tableCounts();
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      let done = 0;
      let current = '';
      let inTable = 0;
      const report = await migrateStore(source, target, (table, rows) => {
        if (table !== current) {
          done += inTable;
          current = table;
        }
        inTable = rows;
        bar.update(total === 0 ? 1 : (done + rows) / total, `copying ${table} · ${formatCount(rows)} rows`);
      });
      bar.done();
      if (!ctx.term.stdoutIsTty) ctx.term.out(`${JSON.stringify(report)}\n`);
      else ctx.term.out(describe(ctx, report));
      if (!report.verified) {
        ctx.term.err(
          `${paint(ctx.term, 'red', 'error')}: the copy in ${report.to.location} differs from ${report.from.location} (see the table); do not use it: empty it and copy again\n`,
        );
        return EXIT.store;
      }
      return EXIT.ok;
    } finally {
      bar.done();
      await target?.close();
      await source.close();
    }
  },
};

/** One end of the copy: a postgres:// URL, or the embedded store in a directory (made for the target). */
function openEnd(ctx: CommandContext, where: string, create: boolean): Promise<Store> {
  const config = ctx.config();
  return isUrl(where)
    ? openStore({ ...config, storeUrl: where })
    : openStore({ ...config, storeUrl: undefined, dataDir: path.resolve(ctx.cwd, where) }, { create });
}

function describe(ctx: CommandContext, r: MigrateReport): string {
  const mark = (ok: boolean) => (ok ? paint(ctx.term, 'green', '✔') : paint(ctx.term, 'red', '✘'));
  const tables = renderTable(
    [
      { title: 'table' },
      { title: 'source', align: 'right' },
      { title: 'copied', align: 'right' },
      { title: 'target', align: 'right' },
      { title: '' },
    ],
    r.tables.map((t) => [
      t.table,
      formatCount(t.source),
      formatCount(t.copied),
      formatCount(t.target),
      mark(t.source === t.copied && t.copied === t.target),
    ]),
    ctx.term,
  );
  const sums =
    r.checksums.length === 0
      ? 'no partners: no metrics to compare\n'
      : renderTable(
          [
            { title: 'partner' },
            { title: 'runs', align: 'right' },
            { title: 'metric checksum' },
            { title: '' },
          ],
          r.checksums.map((c) => [
            c.partnerId,
            formatCount(c.runs),
            c.source === c.target ? c.source : `${c.source} ≠ ${c.target}`,
            mark(c.source === c.target),
          ]),
          ctx.term,
        );
  const head = `${r.from.engine} ${r.from.location} → ${r.to.engine} ${r.to.location}\n\n`;
  const tail = r.verified
    ? `\n${mark(true)} copied and verified in ${r.seconds.toFixed(1)} s\n`
    : `\n${mark(false)} the copy is not equal to the source\n`;
  return `${head}${tables}\n${sums}${tail}`;
}
