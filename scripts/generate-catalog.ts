/**
 * `npm run catalog:generate <file> [YYYY-MM-DD]`: turns a copy of Microsoft's table "Product names
 * and service plan identifiers for licensing" (CSV) into the shipped catalog
 * (packages/core/src/catalog/sku-catalog.json) and its decision table (workload-decisions.md).
 * The date is the copy's date (default: the file's modification date, UTC). Prints what changed
 * against the catalog it replaces, for the review. CI never needs the table: both outputs are
 * committed.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '@license-insights/contracts';
import {
  buildShippedCatalog,
  DECISIONS_FILE,
  readHandVerified,
  readOverrides,
  renderCatalogJson,
  renderDecisionTable,
} from '../packages/core/src/catalog/build-catalog';
import {
  parseShippedCatalog,
  SHIPPED_CATALOG_FILE,
  type ShippedCatalog,
} from '../packages/core/src/catalog/catalog';
import { readServicePlansTable } from '../packages/core/src/catalog/service-plans-table';

const USAGE =
  "usage: npm run catalog:generate <file.csv> [YYYY-MM-DD]  (the date of the copy; default: the file's modification date)";

/** `file:line:column: message (value "x"; expected y)`, as the CLI prints problems. */
function problemLine(p: Problem): string {
  const where = [p.file, p.line, p.column].filter((x) => x !== undefined).join(':');
  const detail = [
    p.value === undefined ? null : `value ${JSON.stringify(p.value)}`,
    p.expected === undefined ? null : `expected ${p.expected}`,
  ].filter((x) => x !== null);
  return `${where}: ${p.severity}: ${p.message}${detail.length > 0 ? ` (${detail.join('; ')})` : ''}`;
}

function fail(message: string, code = 2): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

const [given, date] = process.argv.slice(2);
if (given === undefined || given === '--help' || given === '-h') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(given === undefined ? 2 : 0);
}
// `npm run` starts scripts in the repository root; a relative path means the caller's folder.
const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), given);
if (!existsSync(file)) fail(`${given}: no such file (${file}). ${USAGE}`);
if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date))
  fail(`the date ${JSON.stringify(date)} is not YYYY-MM-DD (the date of the copy, e.g. 2025-12-30)`);
const sourceDate = date ?? statSync(file).mtime.toISOString().slice(0, 10);

const { table, problems } = await readServicePlansTable(file, given);
if (table === null) {
  for (const p of problems) process.stderr.write(`${problemLine(p)}\n`);
  fail(`${file} was not turned into a catalog: fix the problems above, or download the table again`, 3);
}
const previous: ShippedCatalog | null = existsSync(SHIPPED_CATALOG_FILE)
  ? parseShippedCatalog(readFileSync(SHIPPED_CATALOG_FILE, 'utf8'))
  : null;
const overrides = readOverrides();
const handVerified = readHandVerified();
const { file: catalogFile, notes } = buildShippedCatalog({ table, sourceDate, handVerified, overrides });
const text = renderCatalogJson(catalogFile);
writeFileSync(SHIPPED_CATALOG_FILE, text);
const written = parseShippedCatalog(text);
writeFileSync(DECISIONS_FILE, renderDecisionTable(written, overrides, handVerified));

const out: string[] = [
  `${file}: ${table.rows} rows, ${table.products.length} products (source date ${sourceDate}${date === undefined ? ", from the file's modification date" : ''})`,
  ...table.repairs.map((r) => `  repaired: ${r}`),
  ...notes.map((n) => `  note: ${n}`),
];
if (previous !== null) {
  const before = new Map(previous.products.map((p) => [p.productId, p]));
  const after = new Map(written.products.map((p) => [p.productId, p]));
  const added = written.products.filter((p) => !before.has(p.productId));
  const removed = previous.products.filter((p) => !after.has(p.productId));
  const changed = written.products.filter((p) => {
    const b = before.get(p.productId);
    return (
      b !== undefined &&
      (b.workloads.join() !== p.workloads.join() || b.service !== p.service || b.name !== p.name)
    );
  });
  out.push(
    `against the catalog of ${previous.sourceDate}: ${added.length} added, ${removed.length} removed, ${changed.length} with another name, service or workloads`,
  );
  for (const p of added)
    out.push(`  + ${p.name} (${p.partNumber}): ${p.workloads.join(', ') || 'no workloads'}`);
  for (const p of removed) out.push(`  - ${p.name} (${p.partNumber})`);
  for (const p of changed) {
    const b = before.get(p.productId);
    out.push(
      `  ~ ${p.name} (${p.partNumber}): ${b?.name} ${b?.service} [${b?.workloads.join(', ')}] → ${p.name} ${p.service} [${p.workloads.join(', ')}]`,
    );
  }
}
out.push(
  `wrote ${SHIPPED_CATALOG_FILE.pathname} and ${DECISIONS_FILE.pathname}: review workload-decisions.md, then run the tests (catalog.test.ts checks the hand-verified products)`,
);
process.stdout.write(`${out.join('\n')}\n`);
