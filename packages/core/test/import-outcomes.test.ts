/**
 * Honest import outcomes on real DuckDB (issue 9, item 5): every import ends all or nothing with a
 * clear outcome, every problem counted is one the report lists, at its file, line and column.
 * Folders without data files, records over the reader's size limit, bytes that are not UTF-8,
 * `;`-separated CSV with decimal commas, partial-mode counts, the rejects file's folder and
 * cancellation.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../src/errors';
import { MAX_RECORD_BYTES, scanCsv } from '../src/ingest/csv-scan';
import { dumpAll, type TempStore, tempStore } from '../src/testing';
import type { ImportReport } from '../src/use-cases/import-files';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => {
  await t.close();
});

const dir = (name: string) => path.join(t.files.dir, name);

/** Writes a file from parts (strings or buffers), for files too large to build as one string. */
function writeParts(name: string, parts: readonly (string | Buffer)[]): string {
  const p = t.files.file(name, '');
  writeFileSync(p, Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x) : x))));
  return p;
}

/** Every error of a report is listed: no count without its problem (the "listed above" bug). */
function expectAllListed(r: ImportReport): void {
  for (const f of r.files) expect(f.errors.length, `${f.file}: counted but not listed`).toBe(f.errorCount);
}

async function storedCustomers(): Promise<string[]> {
  return ((await dumpAll(t.store)).customers ?? []).map((c) => c.customer_id ?? '');
}

describe('a folder with no data file', () => {
  it('is an error naming what was skipped and why (bug: "unchanged, 0 rows read", exit 0)', async () => {
    t.files.file('junk/readme.txt', 'hello');
    t.files.file('junk/.hidden.csv', 'customer_id,name\nc1,A\n');
    t.files.file('junk/insights-rejects-1.csv', 'file,line\n');
    t.files.file('junk/sub/customers.csv', 'customer_id,name\nc1,A\n');
    const r = await t.import([dir('junk')]);
    expect(r.outcome).toBe('rejected');
    expect(r.errorCount).toBe(1);
    const problem = r.files[0]?.errors[0];
    expect(problem).toMatchObject({ code: 'ingest.no_data_files', file: dir('junk') });
    expect(problem?.message).toBe(
      'no data file in this folder: skipped .hidden.csv (hidden), insights-rejects-1.csv (a rejects file of an earlier import), readme.txt (not a .csv, .ndjson, .jsonl, .json file), sub (a folder: folders inside are not searched)',
    );
    expect(r.files[0]).toMatchObject({ fileRejected: true, rows: 0, rejected: 0 });
  });

  it('an empty folder says so; next to a good file it still rejects the import (all or nothing)', async () => {
    t.files.file('empty/.keep', '');
    t.files.file('good/customers.csv', 'customer_id,name\nc1,Contoso\n');
    const r = await t.import([dir('good'), dir('empty')]);
    expect(r.outcome).toBe('rejected');
    expect(r.files.map((f) => [path.basename(f.file), f.errors[0]?.code ?? null])).toEqual([
      ['customers.csv', null],
      ['empty', 'ingest.no_data_files'],
    ]);
    expect(await storedCustomers()).toEqual([]);
  });

  it('a folder with data files and other files imports the data files', async () => {
    t.files.file('mixed/customers.csv', 'customer_id,name\nc1,Contoso\n');
    t.files.file('mixed/README.md', '# notes');
    const r = await t.import([dir('mixed')]);
    expect(r.outcome).toBe('committed');
    expect(r.files).toHaveLength(1);
  });
});

describe('records over the reader size limit', () => {
  const head = 'customer_id,name\nc1,Contoso\n';
  const tail = '\nc3,Fabrikam\n';

  it('a record longer than the reader buffer (40 MB) fails the import at its line (bug: silently dropped, the rest committed)', async () => {
    writeParts('huge/customers.csv', [head, 'c2,', Buffer.alloc(40 * 1024 * 1024, 'x'), tail]);
    const r = await t.import([dir('huge')]);
    expect(r.outcome).toBe('rejected');
    expect(r.files[0]?.errors).toMatchObject([
      {
        code: 'ingest.record_too_long',
        line: 3,
        column: 2,
        value: `${(40 * 1024 * 1024 + 3).toLocaleString('en-US')} bytes`,
        expected: `records shorter than ${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes`,
      },
    ]);
    expect(r.files[0]).toMatchObject({ rows: 3, rejected: 1 });
    expectAllListed(r);
    expect(await storedCustomers()).toEqual([]);
  });

  it('the activity fast path does not drop a 40 MB line either', async () => {
    t.files.file('act/customers.csv', 'customer_id,name\nc1,Contoso\n');
    t.files.file('act/users.csv', 'customer_id,user_id\nc1,u1\n');
    writeParts('act/activity.csv', [
      'customer_id,user_id,workload,date\nc1,u1,EXO,2026-03-01\nc1,u1,',
      Buffer.alloc(40 * 1024 * 1024, 'y'),
      ',2026-03-02\nc1,u1,EXO,2026-03-03\n',
    ]);
    const r = await t.import([dir('act')]);
    expect(r.outcome).toBe('rejected');
    const activity = r.files.find((f) => f.entity === 'activity');
    expect(activity?.errors).toMatchObject([{ code: 'ingest.record_too_long', line: 3, column: 3 }]);
    expect(activity).toMatchObject({ rows: 3, rejected: 1 });
    expect((await dumpAll(t.store)).activity).toEqual([]);
  });

  it('a 40 MB quoted value over many lines is reported at the line it starts on', async () => {
    const line = `q,${'r'.repeat(998)}\n`;
    writeParts('multi/customers.csv', [head, 'c2,"', Buffer.from(line.repeat(40_000)), '"', tail]);
    const r = await t.import([dir('multi')]);
    expect(r.outcome).toBe('rejected');
    expect(r.files[0]?.errors.map((p) => [p.code, p.line, p.column])).toEqual([
      ['ingest.record_too_long', 3, 2],
    ]);
    expectAllListed(r);
    expect(await storedCustomers()).toEqual([]);
  });

  it('a 3 MB record is listed with its line (bug: "… and 1 more problems in this file", none listed)', async () => {
    writeParts('big/customers.csv', [head, 'c2,', Buffer.alloc(3 * 1024 * 1024, 'x'), tail]);
    const r = await t.import([dir('big')]);
    expect(r.outcome).toBe('rejected');
    expect(r.files[0]?.errors).toMatchObject([{ code: 'ingest.record_too_long', line: 3, column: 2 }]);
    expectAllListed(r);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('the reader and the scanner agree at the limit (%s line breaks)', async (_name, eol) => {
    // The bulk reader counts a closing \r\n's \r: with CRLF the longest record is one byte shorter.
    const longest = MAX_RECORD_BYTES - (eol === '\r\n' ? 2 : 1);
    const record = (id: string, bytes: number) => `${id},${'x'.repeat(bytes - id.length - 1)}`;
    writeParts('edge/customers.csv', [
      ['customer_id,name', 'c1,Contoso', record('c2', longest), record('c3', longest + 1), 'c4,Last'].join(
        eol,
      ),
      eol,
    ]);
    const r = await t.import([dir('edge')], { partial: true });
    // c2 fits the reader but not the column (text of at most 1000 characters); c3 is too long to read.
    expect(r.files[0]?.errors.map((p) => [p.code, p.line, p.column])).toEqual([
      ['ingest.invalid_value', 3, 2],
      ['ingest.record_too_long', 4, 2],
    ]);
    expect(r.files[0]).toMatchObject({ rows: 4, rejected: 2, inserted: 2, fileRejected: false });
    expect(await storedCustomers()).toEqual(['c1', 'c4']);
  });
});

describe('bytes that are not UTF-8', () => {
  it('are reported as the byte itself, at its line and column (bug: the byte after it)', async () => {
    writeParts('enc/customers.csv', [
      'customer_id,name,country\nc1,Contoso,PL\nc2,Caf',
      Buffer.from([0xe9]),
      ',FR\n',
    ]);
    const r = await t.import([dir('enc')]);
    expect(r.outcome).toBe('rejected');
    expect(r.files[0]?.errors).toMatchObject([
      {
        code: 'ingest.encoding',
        line: 3,
        column: 2,
        value: 'byte 0xe9 ("é" in Windows-1250)',
        expected: 'UTF-8 text',
      },
    ]);
    expect(await storedCustomers()).toEqual([]);
  });

  it('encoded surrogates, refused by the reader, are located by the scanner too (not a whole-file refusal)', async () => {
    writeParts('sur/customers.csv', [
      'customer_id,name\nc1,Contoso\nc2,x',
      Buffer.from([0xed, 0xa0, 0x80]),
      '\nc3,Fabrikam\n',
    ]);
    const r = await t.import([dir('sur')], { partial: true });
    expect(r.files[0]?.errors.map((p) => [p.code, p.line, p.column])).toEqual([['ingest.encoding', 3, 2]]);
    expect(r.files[0]).toMatchObject({ fileRejected: false, rows: 3, rejected: 1 });
    expect(await storedCustomers()).toEqual(['c1', 'c3']);
  });
});

describe(';-separated CSV (Excel in Polish and German locales)', () => {
  it('is read, quoted lists and decimal commas included', async () => {
    t.files.file(
      'semi/customers.csv',
      'customer_id;name;groups\r\nc1;"Contoso; Inc.";"west;priority"\r\nc2;Fabrikam, GmbH;\r\n',
    );
    t.files.file(
      'semi/products.csv',
      'product_id;name;service;workloads;list_price;currency\nP1;Widget;OTHER;;12,50;PLN\nP2;Gadget;O365;"EXO;SPO";7;PLN\n',
    );
    const r = await t.import([dir('semi')]);
    expect(r.outcome).toBe('committed');
    const d = await dumpAll(t.store);
    expect(d.customers?.map((c) => [c.customer_id, c.name, c.groups])).toEqual([
      ['c1', 'Contoso; Inc.', 'west;priority'],
      ['c2', 'Fabrikam, GmbH', ''],
    ]);
    expect(d.products?.map((p) => [p.product_id, p.workloads, p.list_price])).toEqual([
      ['P1', '', '12.5000'],
      ['P2', 'EXO;SPO', '7.0000'],
    ]);
  });

  it('activity through the fast path', async () => {
    t.files.file('act/customers.csv', 'customer_id;name\nc1;Contoso\n');
    t.files.file('act/users.csv', 'customer_id;user_id\nc1;u1\n');
    t.files.file(
      'act/activity.csv',
      'customer_id;user_id;workload;date\nc1;u1;EXO;2026-03-05\nc1;u1;spo;2026-03-06\n',
    );
    const r = await t.import([dir('act')]);
    expect(r.outcome).toBe('committed');
    expect((await dumpAll(t.store)).activity?.map((a) => `${a.workload} ${a.date}`)).toEqual([
      'EXO 2026-03-05',
      'SPO 2026-03-06',
    ]);
  });

  it('a Graph report saved with ; gives the same store as the original', async () => {
    const original = fixture('graph/active-users-2026-03-30.csv');
    const rows: string[][] = [];
    const scan = await scanCsv(original, {
      displayName: 'x',
      maxProblems: 0,
      wanted: new Set(Array.from({ length: 100 }, (_, i) => i)),
      onWanted: (_rec, _line, fields) => rows.push([...fields]),
    });
    const cell = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const semi = t.files.file(
      'graph-semi.csv',
      [scan.header ?? [], ...rows].map((r) => r.map(cell).join(';')).join('\r\n'),
    );
    const semiText = readFileSync(semi);
    expect((await t.import([original], { createCustomer: 'Contoso' })).outcome).toBe('committed');
    const viaComma = await dumpAll(t.store);
    await t.close();
    t = await tempStore();
    const copy = t.files.file('graph-semi.csv', semiText);
    expect((await t.import([copy], { createCustomer: 'Contoso' })).outcome).toBe('committed');
    expect(await dumpAll(t.store)).toEqual(viaComma);
  });

  it('refuses a decimal point in a ;-file and a decimal comma in a ,-file, saying which separator to use', async () => {
    t.files.file('a/products.csv', 'product_id;name;service;workloads;list_price\nP1;Widget;OTHER;;12.50\n');
    t.files.file(
      'b/products.csv',
      'product_id,name,service,workloads,list_price\nP1,Widget,OTHER,,"12,50"\n',
    );
    t.files.file(
      'c/products.csv',
      'product_id;name;service;workloads;list_price\nP1;Widget;OTHER;;1.234,50\n',
    );
    const a = await t.import([dir('a')]);
    expect(a.files[0]?.errors).toMatchObject([
      {
        line: 2,
        column: 5,
        value: '12.50',
        expected: 'a decimal number ≥ 0 with , as decimal separator in a ;-separated file, e.g. 12,50',
      },
    ]);
    const b = await t.import([dir('b')]);
    expect(b.files[0]?.errors).toMatchObject([
      {
        line: 2,
        column: 5,
        value: '12,50',
        expected: 'a decimal number ≥ 0 with . as separator, e.g. 12.50',
      },
    ]);
    expect((await t.import([dir('c')])).files[0]?.errors).toMatchObject([{ value: '1.234,50' }]);
  });

  it('an unquoted list in a ;-file is a field-count error that says to quote it', async () => {
    t.files.file('l/customers.csv', 'customer_id;name;groups\nc1;Contoso;west;priority\n');
    const r = await t.import([dir('l')]);
    expect(r.files[0]?.errors).toMatchObject([{ code: 'ingest.field_count', line: 2, value: '4' }]);
    expect(r.files[0]?.errors[0]?.message).toContain('must be quoted');
    expectAllListed(r);
  });

  it('a header of no known column stays ,-separated and is refused naming its text', async () => {
    t.files.file('u/things.csv', 'Kunde;Firma\n1;A\n');
    const r = await t.import([dir('u')]);
    expect(r.files[0]?.errors[0]?.message).toBe(
      'cannot tell which entity this file holds (header: Kunde;Firma)',
    );
  });
});

describe('partial imports count what the table shows', () => {
  it('a header error in partial mode refuses the file with its rows counted; never "unchanged" (bug: 0 rows read beside rejected 1)', async () => {
    t.files.file('p/customers.csv', 'customer_id,nam\nc1,Contoso\nc2,Fabrikam\n');
    const rejects = path.join(t.files.dir, 'r.csv');
    const r = await t.import([dir('p')], { partial: true, rejectsPath: rejects });
    expect(r.outcome).toBe('partial');
    expect(r.files[0]).toMatchObject({ rows: 2, rejected: 2, fileRejected: true, errorCount: 2 });
    expect(r.rejectsFile).toBe(rejects);
    expect(readFileSync(rejects, 'utf8')).toContain('unknown column for customers');
  });

  it('an unrecognised file in partial mode is in the rejects file and makes the import partial (bug: committed, exit 0)', async () => {
    t.files.file('q/customers.csv', 'customer_id,name\nc1,Contoso\n');
    t.files.file('q/mystery.json', '{"what": 1}');
    const r = await t.import([dir('q')], { partial: true });
    expect(r.outcome).toBe('partial');
    expect(readFileSync(r.rejectsFile ?? '', 'utf8')).toContain('ingest.unknown_format');
    expect(await storedCustomers()).toEqual(['c1']);
  });

  it('a report that needs --customer is in the rejects file too', async () => {
    const r = await t.import([fixture('graph/active-users-2026-03-30.csv')], { partial: true });
    expect(r.outcome).toBe('partial');
    expect(r.files[0]).toMatchObject({ fileRejected: true, errorCount: 1 });
    expect(readFileSync(r.rejectsFile ?? '', 'utf8')).toContain('ingest.customer_required');
  });

  it('rows already stored next to a rejected row: partial, not "unchanged"', async () => {
    t.files.file('s/customers.csv', 'customer_id,name\nc1,Contoso\n');
    await t.import([dir('s')]);
    t.files.file('s/customers.csv', 'customer_id,name\nc1,Contoso\nc2,\n');
    const r = await t.import([dir('s')], { partial: true });
    expect(r.outcome).toBe('partial');
    expect(r.files[0]).toMatchObject({ rows: 2, rejected: 1, unchanged: 1 });
  });

  it('a rejected import reports nothing as new or changed: nothing was stored', async () => {
    t.files.file('x/customers.csv', 'customer_id,name\nc1,Contoso\nc2,\n');
    const r = await t.import([dir('x')]);
    expect(r.outcome).toBe('rejected');
    expect(r.files[0]).toMatchObject({ inserted: 0, updated: 0, unchanged: 0, rows: 2, rejected: 1 });
  });
});

describe('the rejects file', () => {
  it('into a missing folder is an error before anything runs (bug: a crash after the import)', async () => {
    t.files.file('ok/customers.csv', 'customer_id,name\nc1,Contoso\nc2,\n');
    const missing = path.join(t.files.dir, 'no-such-folder', 'r.csv');
    const failure = await t.import([dir('ok')], { partial: true, rejectsPath: missing }).catch((e) => e);
    expect(isAppError(failure) && failure.code).toBe('usage.invalid_argument');
    expect(String(failure.message)).toContain('its folder');
    expect(await storedCustomers()).toEqual([]);
    expect((await t.store.auditLog('p-test', ['import'], 10)).length).toBe(0);
  });
});

describe('cancellation', () => {
  async function dataset(): Promise<string> {
    t.files.file('big/customers.csv', 'customer_id,name\nc1,Contoso\n');
    t.files.file('big/users.csv', 'customer_id,user_id\nc1,u1\nc1,u2\n');
    const rows = Array.from(
      { length: 300_000 },
      (_, i) => `c1,u${(i % 2) + 1},EXO,2026-0${(i % 3) + 1}-1${i % 9}`,
    );
    t.files.file('big/activity.csv', `customer_id,user_id,workload,date\n${rows.join('\n')}\n`);
    return dir('big');
  }

  it.each([
    ['reading', 'activity.csv'],
    ['merging', 'users.csv'],
  ])('an abort while %s %s rolls everything back and says so', async (phase, file) => {
    const ds = await dataset();
    const abort = new AbortController();
    const failure = await t
      .import([ds], {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.phase === phase && path.basename(p.file) === file) abort.abort();
        },
      })
      .catch((e) => e);
    expect(isAppError(failure) && failure.code).toBe('interrupted');
    expect(await storedCustomers()).toEqual([]);
    expect((await dumpAll(t.store)).activity).toEqual([]);
  });

  it('an abort in partial mode leaves no rejects file behind', async () => {
    const ds = await dataset();
    t.files.file(
      'big/support_requests.csv',
      'customer_id,request_id,opened_on,category\nc1,r1,2026-02-30,how_to\n',
    );
    const abort = new AbortController();
    const rejects = path.join(t.files.dir, 'partial-rejects.csv');
    const failure = await t
      .import([ds], {
        partial: true,
        rejectsPath: rejects,
        signal: abort.signal,
        onProgress: (p) => {
          if (p.phase === 'committing') return;
          if (path.basename(p.file) === 'support_requests.csv' && p.phase === 'merging') abort.abort();
        },
      })
      .catch((e) => e);
    expect(isAppError(failure) && failure.code).toBe('interrupted');
    expect(existsSync(rejects)).toBe(false);
  });

  it('an abort once the commit has begun is too late: the import completes', async () => {
    const ds = await dataset();
    const abort = new AbortController();
    const r = await t.import([ds], {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase === 'committing') abort.abort();
      },
    });
    expect(r.outcome).toBe('committed');
    expect(await storedCustomers()).toEqual(['c1']);
  });
});
