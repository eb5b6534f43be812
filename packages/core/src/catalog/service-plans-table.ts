/**
 * Reads Microsoft's table "Product names and service plan identifiers for licensing" (the CSV
 * download of the Microsoft Learn page): one row per product × service plan, columns
 * Product_Display_Name, String_Id (skuPartNumber), GUID (skuId), Service_Plan_Name,
 * Service_Plan_Id (Service_Plans_Included_Friendly_Names is not used). Only the catalog generator
 * reads it; the shipped catalog is made from it once per copy.
 *
 * The facts are taken as they are, with two repairs the table needs and that change no meaning:
 * surrounding whitespace (including no-break spaces, e.g. after a GUID or part number) is removed
 * and runs of whitespace inside a plan name become one space; a plan listed twice for one product
 * is kept once. Anything else that does not fit (a GUID that is not one, a product whose rows
 * disagree on its part number or name) is a problem with its line and column.
 */
import type { Problem, ServicePlan } from '@license-insights/contracts';
import { scanCsv } from '../ingest/csv-scan';

export const SERVICE_PLAN_COLUMNS = [
  'Product_Display_Name',
  'String_Id',
  'GUID',
  'Service_Plan_Name',
  'Service_Plan_Id',
] as const;
type SourceColumn = (typeof SERVICE_PLAN_COLUMNS)[number];

/** One product of the table. */
export interface SourceProduct {
  /** The skuId, lower-cased. */
  readonly productId: string;
  readonly partNumber: string;
  readonly name: string;
  /** Sorted by name, then id. */
  readonly servicePlans: readonly ServicePlan[];
}

export interface SourceTable {
  /** Sorted by product id. */
  readonly products: readonly SourceProduct[];
  readonly rows: number;
  /** What was repaired, in words (for the generator's output). */
  readonly repairs: readonly string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Whitespace JavaScript's trim() knows, no-break spaces included. */
const clean = (s: string) => s.trim();

export async function readServicePlansTable(
  path: string,
  displayName: string,
): Promise<{ readonly table: SourceTable | null; readonly problems: readonly Problem[] }> {
  const first = await scanCsv(path, { displayName, maxProblems: 20 });
  if (first.problems.length > 0) return { table: null, problems: first.problems };
  const header = first.header ?? [];
  const missing = SERVICE_PLAN_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    return {
      table: null,
      problems: [
        {
          severity: 'error',
          code: 'ingest.missing_column',
          file: displayName,
          line: 1,
          value: header.join(','),
          expected: `the columns of Microsoft's table: ${SERVICE_PLAN_COLUMNS.join(', ')}`,
          message: `column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing: is this "Product names and service plan identifiers for licensing" (CSV)?`,
        },
      ],
    };
  }
  const col = Object.fromEntries(SERVICE_PLAN_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    SourceColumn,
    number
  >;
  const problems: Problem[] = [];
  const problem = (line: number, column: SourceColumn, value: string, expected: string, message: string) => {
    if (problems.length < 100)
      problems.push({
        severity: 'error',
        code: 'ingest.invalid_value',
        file: displayName,
        line,
        column: col[column] + 1,
        field: column,
        value,
        expected,
        message,
      });
  };
  const products = new Map<
    string,
    { partNumber: string; name: string; line: number; plans: Map<string, ServicePlan> }
  >();
  let trimmed = 0;
  let duplicates = 0;
  const wanted = new Set(Array.from({ length: first.records }, (_, i) => i));
  await scanCsv(path, {
    displayName,
    maxProblems: 20,
    wanted,
    onWanted: (_rec, line, fields) => {
      const raw = (c: SourceColumn) => fields[col[c]] ?? '';
      const value = (c: SourceColumn) => {
        const v = raw(c);
        const t = c === 'Service_Plan_Name' ? clean(v).replace(/\s+/g, ' ') : clean(v);
        if (t !== v) trimmed++;
        return t;
      };
      const guid = value('GUID');
      const planId = value('Service_Plan_Id');
      const part = value('String_Id');
      const name = value('Product_Display_Name');
      const planName = value('Service_Plan_Name');
      let ok = true;
      if (!GUID.test(guid)) {
        problem(line, 'GUID', raw('GUID'), 'a GUID (the skuId)', 'not a GUID');
        ok = false;
      }
      if (!GUID.test(planId)) {
        problem(line, 'Service_Plan_Id', raw('Service_Plan_Id'), 'a GUID', 'not a GUID');
        ok = false;
      }
      for (const [c, v] of [
        ['String_Id', part],
        ['Product_Display_Name', name],
        ['Service_Plan_Name', planName],
      ] as const) {
        if (v === '') {
          problem(line, c, raw(c), 'a non-empty value', `${c} is empty`);
          ok = false;
        }
      }
      if (!ok) return;
      const productId = guid.toLowerCase();
      let p = products.get(productId);
      if (p === undefined) {
        p = { partNumber: part, name, line, plans: new Map() };
        products.set(productId, p);
      } else if (p.partNumber !== part) {
        problem(
          line,
          'String_Id',
          part,
          `${p.partNumber} (as on line ${p.line})`,
          `product ${productId} has another part number here`,
        );
      } else if (p.name !== name) {
        problem(
          line,
          'Product_Display_Name',
          name,
          `${p.name} (as on line ${p.line})`,
          `product ${productId} has another name here`,
        );
      }
      const key = `${planName}\u0000${planId.toLowerCase()}`;
      if (p.plans.has(key)) duplicates++;
      else p.plans.set(key, { name: planName, id: planId.toLowerCase() });
    },
  });
  if (problems.length > 0) return { table: null, problems };
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const list = [...products.entries()]
    .map(
      ([productId, p]): SourceProduct => ({
        productId,
        partNumber: p.partNumber,
        name: p.name,
        servicePlans: [...p.plans.values()].sort((a, b) => byText(a.name, b.name) || byText(a.id, b.id)),
      }),
    )
    .sort((a, b) => byText(a.productId, b.productId));
  const repairs: string[] = [];
  if (trimmed > 0) repairs.push(`${trimmed} values with surrounding or repeated whitespace trimmed`);
  if (duplicates > 0) repairs.push(`${duplicates} plan rows listed twice for one product kept once`);
  return { table: { products: list, rows: first.records, repairs }, problems: [] };
}
