/**
 * Property tests of import (fast-check, real DuckDB): random valid datasets round-trip exactly;
 * random corruption is reported at the right line and nothing is stored — never a crash, never a
 * partial store.
 */
import { CANONICAL_ENTITIES, type CanonicalEntity } from '@license-insights/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDay } from '../src/dates';
import { type CanonicalRecord, dumpAll, type TempStore, tempStore, toCsv, toNdjson } from '../src/testing';

const CATALOG_IDS = [
  '6fd2c87f-b296-42f0-b197-1e91e994b900',
  '05e9a617-0261-4cee-bb44-138d3ef5d965',
  '1e1a282c-9c54-43a2-9310-98ef728faace',
];
const WORKLOADS = ['EXO', 'SPO', 'TEAMS', 'YAM', 'SFB', 'OFFICE', 'D365'];

type Dataset = Record<CanonicalEntity, CanonicalRecord[]>;

const idArb = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/);
const textArb = fc.oneof(
  fc
    .string({ minLength: 1, maxLength: 20 })
    // Names with control characters are not the point here (ids refuse them; see the unit tests).
    .filter(
      (s) => s.trim() !== '' && [...s].every((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f),
    ),
  fc.constantFrom('Contoso, Ltd.', 'Zażółć "gęślą" jaźń', 'multi\nline name', '=SUM(A1)', ' padded '),
);
const dayArb = fc.integer({ min: 20_000, max: 20_800 }).map(formatDay); // 2024-10 … 2026-12, leap day included
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const datasetArb: fc.Arbitrary<Dataset> = fc
  .record({
    customers: fc.uniqueArray(
      fc.record({
        id: idArb,
        name: textArb,
        country: optional(fc.constantFrom('PL', 'DE')),
        groups: fc.uniqueArray(fc.constantFrom('west', 'priority', 'grupa ą'), { maxLength: 2 }),
      }),
      {
        minLength: 1,
        maxLength: 4,
        selector: (c) => c.id,
      },
    ),
    custom: fc.boolean(),
  })
  .chain(({ customers, custom }) => {
    const customerIds = customers.map((c) => c.id);
    const productIds = custom ? [...CATALOG_IDS, 'custom-sku'] : CATALOG_IDS;
    const userArb = fc.record({
      customer: fc.constantFrom(...customerIds),
      id: idArb,
      upn: optional(idArb.map((x) => `${x}@example.com`)),
      deleted: optional(dayArb),
    });
    return fc.record({
      customers: fc.constant(customers),
      custom: fc.constant(custom),
      users: fc.uniqueArray(userArb, {
        minLength: 1,
        maxLength: 8,
        selector: (u) => `${u.customer}/${u.id}`,
      }),
      subs: fc.uniqueArray(
        fc.record({
          asOf: dayArb,
          id: idArb,
          customer: fc.constantFrom(...customerIds),
          product: fc.constantFrom(...productIds),
          quantity: fc.integer({ min: 0, max: 5000 }),
          status: fc.constantFrom('active', 'pending', 'suspended', 'expired', 'disabled', 'deleted'),
          trial: fc.boolean(),
          channel: fc.constantFrom('own', 'other_partner', 'direct'),
          reason: optional(
            fc.constantFrom('fraud', 'nonpayment', 'upgraded', 'customer_cancellation', 'other'),
          ),
          termEnd: optional(dayArb),
        }),
        { maxLength: 8, selector: (s) => `${s.customer}/${s.id}/${s.asOf}` },
      ),
    });
  })
  .chain((d) => {
    const userRefs = d.users.map((u) => ({ customer: u.customer, user: u.id }));
    const productIds = d.custom ? [...CATALOG_IDS, 'custom-sku'] : CATALOG_IDS;
    return fc
      .record({
        assignments: fc.uniqueArray(
          fc.record({
            ref: fc.constantFrom(...userRefs),
            product: fc.constantFrom(...productIds),
            from: dayArb,
            length: optional(fc.integer({ min: 1, max: 400 })),
          }),
          { maxLength: 10, selector: (a) => `${a.ref.customer}/${a.ref.user}/${a.product}/${a.from}` },
        ),
        activity: fc.array(
          fc.record({
            ref: fc.constantFrom(...userRefs),
            workload: fc.constantFrom(...WORKLOADS),
            date: dayArb,
          }),
          { maxLength: 40 },
        ),
        support: fc.uniqueArray(
          fc.record({
            customer: fc.constantFrom(...d.customers.map((c) => c.id)),
            id: idArb,
            opened: dayArb,
            category: fc.constantFrom('how_to', 'problem', 'other'),
            workload: optional(fc.constantFrom(...WORKLOADS)),
          }),
          { maxLength: 5, selector: (s) => `${s.customer}/${s.id}` },
        ),
      })
      .map(
        (r): Dataset => ({
          products: d.custom
            ? [
                {
                  product_id: 'custom-sku',
                  name: 'Custom, "quoted"',
                  service: 'OTHER',
                  workloads: 'EXO;YAM',
                  part_number: 'CUSTOM_SKU',
                  report_names: 'CUSTOM SKU',
                  open_workloads: 'YAM',
                  offer_ids: '',
                  list_price: '12.5000',
                  currency: 'EUR',
                },
              ]
            : [],
          customers: d.customers.map((c) => ({
            customer_id: c.id,
            name: c.name,
            domain: '',
            country: c.country ?? '',
            segment: '',
            groups: c.groups.join(';'),
          })),
          users: d.users.map((u) => ({
            customer_id: u.customer,
            user_id: u.id,
            upn: u.upn ?? '',
            display_name: '',
            deleted_on: u.deleted ?? '',
          })),
          license_assignments: r.assignments.map((a) => ({
            customer_id: a.ref.customer,
            user_id: a.ref.user,
            product_id: a.product,
            assigned_on: a.from,
            unassigned_on:
              a.length === undefined ? '' : formatDay(Date.parse(a.from) / 86_400_000 + a.length),
          })),
          subscriptions: d.subs.map((s) => ({
            as_of: s.asOf,
            subscription_id: s.id,
            customer_id: s.customer,
            product_id: s.product,
            quantity: String(s.quantity),
            status: s.status,
            is_trial: String(s.trial),
            channel: s.channel,
            suspension_reason: s.reason ?? '',
            billing_cycle: '',
            term_end: s.termEnd ?? '',
            auto_renew: '',
          })),
          activity: r.activity.map((a) => ({
            customer_id: a.ref.customer,
            user_id: a.ref.user,
            workload: a.workload,
            date: a.date,
          })),
          support_requests: r.support.map((s) => ({
            customer_id: s.customer,
            request_id: s.id,
            opened_on: s.opened,
            category: s.category,
            product_id: '',
            workload: s.workload ?? '',
          })),
        }),
      );
  });

const KEYS: Record<CanonicalEntity, string[]> = {
  products: ['product_id'],
  customers: ['customer_id'],
  users: ['customer_id', 'user_id'],
  license_assignments: ['customer_id', 'user_id', 'product_id', 'assigned_on'],
  subscriptions: ['customer_id', 'subscription_id', 'as_of'],
  activity: ['customer_id', 'user_id', 'workload', 'date'],
  support_requests: ['customer_id', 'request_id'],
};

/** What the store must give back: activity deduplicated, everything sorted by key (byte order). */
function expected(d: Dataset): Record<string, CanonicalRecord[]> {
  const out: Record<string, CanonicalRecord[]> = {};
  for (const e of CANONICAL_ENTITIES) {
    const key = (r: CanonicalRecord) => KEYS[e].map((k) => r[k] ?? '').join('\u0000');
    const unique = new Map(d[e].map((r) => [key(r), r]));
    out[e] = [...unique.values()].sort((a, b) => Buffer.compare(Buffer.from(key(a)), Buffer.from(key(b))));
  }
  return out;
}

let t: TempStore;
let run = 0;
beforeAll(async () => {
  t = await tempStore();
});
afterAll(async () => {
  await t.close();
});

function writeDataset(d: Dataset, dir: string, ndjson: ReadonlySet<CanonicalEntity>, eol: string) {
  const written: Partial<Record<CanonicalEntity, { path: string; lines: readonly number[] }>> = {};
  for (const e of CANONICAL_ENTITIES) {
    if (d[e].length === 0) continue;
    const f = ndjson.has(e) ? toNdjson(e, d[e]) : toCsv(e, d[e], eol);
    written[e] = {
      path: t.files.file(`${dir}/${e}.${ndjson.has(e) ? 'ndjson' : 'csv'}`, f.text),
      lines: f.lines,
    };
  }
  return written;
}

describe('import properties', () => {
  it('random valid datasets round-trip through import exactly (CSV and NDJSON, LF and CRLF)', async () => {
    await fc.assert(
      fc.asyncProperty(
        datasetArb,
        fc.subarray([...CANONICAL_ENTITIES]),
        fc.constantFrom('\n', '\r\n'),
        async (d, asNdjson, eol) => {
          const partnerId = `prop-${run++}`;
          writeDataset(d, `rt-${partnerId}`, new Set(asNdjson), eol);
          const r = await t.import([`${t.files.dir}/rt-${partnerId}`], { partnerId });
          expect(r.errorCount).toBe(0);
          expect(r.outcome).toBe('committed');
          expect(await dumpAll(t.store, partnerId)).toEqual(expected(d));
          expect(await t.store.verifyIntegrity()).toEqual([]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('random corruption is reported at its line (or the file refused) and nothing is stored', async () => {
    const corruptions = [
      'date',
      'enum',
      'quantity',
      'fields',
      'quote',
      'encoding',
      'duplicate',
      'customer',
    ] as const;
    await fc.assert(
      fc.asyncProperty(datasetArb, fc.constantFrom(...corruptions), fc.nat(), async (d, kind, pick) => {
        const partnerId = `bad-${run++}`;
        const dir = `bad-${partnerId}`;
        const target: CanonicalEntity =
          kind === 'quantity'
            ? 'subscriptions'
            : kind === 'duplicate' || kind === 'customer'
              ? 'users'
              : 'users';
        const rows = d[target === 'subscriptions' && d.subscriptions.length === 0 ? 'users' : target];
        const entity: CanonicalEntity =
          target === 'subscriptions' && d.subscriptions.length === 0 ? 'users' : target;
        const i = pick % rows.length;
        const row = { ...(rows[i] ?? {}) } as Record<string, string>;
        let extra: Buffer | null = null;
        switch (kind) {
          case 'date':
            row[entity === 'users' ? 'deleted_on' : 'as_of'] = '2026-02-30';
            break;
          case 'enum':
            if (entity === 'users') row.deleted_on = 'yesterday';
            else row.status = 'activated';
            break;
          case 'quantity':
            if (entity === 'users') row.customer_id = ' spaced ';
            else row.quantity = '-3';
            break;
          case 'customer':
            row.customer_id = 'no-such-customer';
            break;
          default:
        }
        const mutated = [...rows];
        mutated[i] = row;
        if (kind === 'duplicate') mutated.splice(i + 1, 0, { ...row });
        const data = { ...d, [entity]: mutated };
        const written = writeDataset(data, dir, new Set(), '\n');
        const file = written[entity];
        if (file === undefined) throw new Error('no file');
        const expectedLine = file.lines[kind === 'duplicate' ? i + 1 : i] ?? 0;
        const fs = await import('node:fs');
        const text = fs.readFileSync(file.path);
        // Structural corruptions edit the bytes of the record's line.
        const lines = text.toString('utf8').split('\n');
        if (kind === 'fields') lines[expectedLine - 1] = `${lines[expectedLine - 1]},extra`;
        if (kind === 'quote') lines[expectedLine - 1] = `"${lines[expectedLine - 1]}`;
        if (kind === 'encoding') extra = Buffer.from([0xff, 0xfe, 0x41]);
        let bytes = Buffer.from(lines.join('\n'));
        if (extra !== null) {
          const at = Buffer.byteLength(`${lines.slice(0, expectedLine - 1).join('\n')}\n`);
          bytes = Buffer.concat([bytes.subarray(0, at), extra, bytes.subarray(at)]);
        }
        fs.writeFileSync(file.path, bytes);
        const r = await t.import([`${t.files.dir}/${dir}`], { partnerId });
        expect(r.outcome).toBe('rejected');
        const errors = r.files.find((f) => f.file === file.path)?.errors ?? [];
        expect(errors.length).toBeGreaterThan(0);
        expect(errors.map((e) => e.line)).toContain(expectedLine);
        const dump = await dumpAll(t.store, partnerId);
        expect(Object.values(dump).every((rows) => rows.length === 0)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
