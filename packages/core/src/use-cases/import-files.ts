/**
 * Use-case: import files into the store for one partner, all or nothing (default) or keeping the
 * valid rows and writing the rejected ones with their reasons to a rejects file.
 *
 * Pipeline per file: detect → check header → stage (bulk) → validate (SQL) → locate problems
 * (scanner) → merge. All files of one import share one store transaction, so a failure, a crash,
 * SIGKILL or a cancellation (`signal`) at any moment leaves the store exactly as it was before the
 * import. Every problem counted is one the report can show: a file refused as a whole says why.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, constants, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  CANONICAL_ENTITIES,
  type CanonicalEntity,
  ENTITY_SPECS,
  type EntitySpec,
  type FileOutcome,
  GRAPH_ACTIVE_USERS_SPEC,
  GRAPH_REPORT_PERIODS,
  type GraphReportPeriod,
  type ImportReport,
  type ImportRequest as ImportRequestData,
  MAX_CUSTOMER_NAME,
  type Problem,
} from '@license-insights/contracts';
import { effectiveCatalog, productResolver, shippedCatalog } from '../catalog/catalog';
import {
  describeCustomer,
  expectCustomer,
  looksLikeDomain,
  newCustomerId,
  resolveCustomer,
  userDomainOf,
} from '../customers/resolve-customer';
import { AppError } from '../errors';
import { csvLine } from '../export/csv-writer';
import { type CsvDelimiter, hasLongLine, scanCsv } from '../ingest/csv-scan';
import { type DetectedFile, detectFile } from '../ingest/detect';
import { type HeaderMapping, mapCanonicalHeader, mapGraphHeader } from '../ingest/headers';
import {
  type JsonSourceResult,
  readPartnerCenterSubscriptions,
  readSubscribedSkus,
  SUBSCRIPTION_STAGE_COLUMNS,
} from '../ingest/json-sources';
import { type NdjsonReadState, readNdjson } from '../ingest/ndjson';
import { describeRowProblem } from '../ingest/row-problems';
import type { ImportSession, MergeCounts, RowProblem, Staged, StagedValue, Store } from '../store/store';
import { type ImportPhase, type ImportProgress, type PlannedWork, ProgressTracker } from './import-progress';

export type { FileOutcome, ImportReport } from '@license-insights/contracts';
export type { ImportPhase, ImportProgress } from './import-progress';

/**
 * What to import (contracts `importRequestSchema`), and the caller's hooks: progress events and
 * cancellation, which are not data.
 */
export type ImportRequest = ImportRequestData & {
  /** Progress events: the fraction done only grows, and reaches 1 when the import ends. */
  readonly onProgress?: (p: ImportProgress) => void;
  /** How often the store's progress of a running statement is read for `onProgress` (default 100 ms). */
  readonly progressIntervalMs?: number;
  /**
   * Cancels the import: the running statement is interrupted, everything rolls back and the import
   * throws `AppError('interrupted')`. A signal that comes once the commit has begun is too late:
   * the import completes.
   */
  readonly signal?: AbortSignal;
};

const DATA_EXTENSIONS = new Set(['.csv', '.ndjson', '.jsonl', '.json']);
const ALL_PROBLEMS = 10_000_000;

/** Why a directory entry is not imported, or null when it is a data file. */
async function skipReason(dir: string, name: string): Promise<string | null> {
  if (name.startsWith('.')) return 'hidden';
  if (name.startsWith('insights-rejects')) return 'a rejects file of an earlier import';
  try {
    if ((await stat(path.join(dir, name))).isDirectory()) return 'a folder: folders inside are not searched';
  } catch {
    return 'not readable';
  }
  if (!DATA_EXTENSIONS.has(path.extname(name).toLowerCase()))
    return `not a ${[...DATA_EXTENSIONS].join(', ')} file`;
  return null;
}

/**
 * Files named by the user, directories expanded to their data files (sorted). A directory with no
 * data file is a problem that says what was skipped and why. `order`: files and such directories
 * in the order given, for the report.
 */
export async function expandPaths(paths: readonly string[]): Promise<{
  readonly files: string[];
  readonly problems: Problem[];
  readonly order: string[];
}> {
  const files: string[] = [];
  const problems: Problem[] = [];
  const order: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch {
      // reported as unreadable by detection
    }
    if (!isDir) {
      files.push(p);
      order.push(p);
      continue;
    }
    const names = (await readdir(p)).sort();
    const skipped: string[] = [];
    let found = 0;
    for (const n of names) {
      const why = await skipReason(p, n);
      if (why === null) {
        files.push(path.join(p, n));
        order.push(path.join(p, n));
        found++;
      } else skipped.push(`${n} (${why})`);
    }
    if (found === 0) {
      const shown = skipped.slice(0, 10).join(', ');
      const more = skipped.length > 10 ? ` and ${skipped.length - 10} more` : '';
      problems.push({
        severity: 'error',
        code: 'ingest.no_data_files',
        file: p,
        message:
          skipped.length === 0
            ? 'the folder is empty: nothing to import'
            : `no data file in this folder: skipped ${shown}${more}`,
        expected: `files named *${[...DATA_EXTENSIONS].join(', *')} (canonical files, Graph and Partner Center exports)`,
      });
      order.push(p);
    }
  }
  return { files, problems, order };
}

const ENTITY_ORDER = new Map<CanonicalEntity, number>(CANONICAL_ENTITIES.map((e, i) => [e, i]));

/**
 * Canonical files in entity order, then subscription exports, then Graph reports: a report's
 * product names that several products share resolve by the subscriptions the import stored first.
 */
function order(d: DetectedFile): number {
  if (d.kind === 'canonical-csv' || d.kind === 'canonical-ndjson') return ENTITY_ORDER.get(d.entity) ?? 0;
  return d.kind === 'graph-active-users' ? CANONICAL_ENTITIES.length + 1 : CANONICAL_ENTITIES.length;
}

interface Rejected {
  readonly problems: readonly Problem[];
  readonly records: Map<number, readonly StagedValue[]>;
  readonly recOfLine: Map<number, number>;
  readonly columns: readonly string[];
}

/**
 * The rejects file, created with the first rejected row. A write error fails the import before the
 * commit (valid rows are never stored without their rejects written); `discard` removes the file of
 * an import that stored nothing.
 */
class RejectsWriter {
  private stream: ReturnType<typeof createWriteStream> | null = null;
  private error: Error | null = null;
  count = 0;
  constructor(readonly file: string) {}
  write(rows: Rejected): void {
    if (this.stream === null) {
      this.stream = createWriteStream(this.file);
      this.stream.on('error', (e) => {
        this.error ??= e;
      });
      this.stream.write(
        csvLine(['file', 'line', 'column', 'field', 'value', 'code', 'message', 'expected', 'record']),
      );
    }
    for (const p of rows.problems) {
      const rec = p.line !== undefined ? rows.recOfLine.get(p.line) : undefined;
      const values = rec !== undefined ? rows.records.get(rec) : undefined;
      const record = values
        ? JSON.stringify(Object.fromEntries(rows.columns.map((c, i) => [c, values[i] ?? null])))
        : '';
      this.stream.write(
        csvLine([p.file, p.line, p.column, p.field, p.value, p.code, p.message, p.expected, record]),
      );
      this.count++;
    }
  }
  async close(): Promise<void> {
    const s = this.stream;
    if (s === null) return;
    if (!s.writableFinished && !s.destroyed) await new Promise<void>((resolve) => s.end(() => resolve()));
    if (this.error !== null) {
      throw new AppError(
        'ingest.unreadable',
        `cannot write the rejects file ${this.file}: ${this.error.message}; nothing was stored`,
        [],
        { cause: this.error },
      );
    }
  }
  async discard(): Promise<void> {
    if (this.stream === null) return;
    await this.close().catch(() => undefined);
    await rm(this.file, { force: true });
    this.count = 0;
  }
}

/** The rejects file's folder must exist and be writable before anything runs. */
async function checkRejectsPath(file: string): Promise<void> {
  const dir = path.dirname(file);
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new AppError(
      'usage.invalid_argument',
      `the rejects file ${file} cannot be written: its folder ${dir} does not exist; create it or name a file in an existing folder`,
    );
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new AppError(
      'usage.invalid_argument',
      `the rejects file ${file} cannot be written: no permission to write in ${dir}`,
    );
  }
  try {
    if ((await stat(file)).isDirectory())
      throw new AppError('usage.invalid_argument', `the rejects file ${file} is a folder; name a file`);
  } catch (e) {
    if (e instanceof AppError) throw e;
  }
}

/** Whether the import was cancelled (read afresh: the signal changes while the import awaits). */
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** What an interrupted import throws (nothing of it is stored). */
function interrupted(): AppError {
  return new AppError('interrupted', 'the import was interrupted; nothing was stored');
}

const byLine = (a: Problem, b: Problem) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);

export async function importFiles(store: Store, req: ImportRequest): Promise<ImportReport> {
  const importId = `imp-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
  const signal = req.signal;
  if (req.partial) await checkRejectsPath(req.rejectsPath);
  if (aborted(signal)) throw interrupted();
  const { files, problems: pathProblems, order: given } = await expandPaths(req.paths);
  const detections = await Promise.all(files.map((f) => detectFile(f, f, req.format)));
  const outcomes: FileOutcome[] = pathProblems.map((p) => emptyOutcome(p.file, [p]));
  const planned: DetectedFile[] = [];
  detections.forEach((d, i) => {
    if (d.ok) planned.push(d.file);
    else outcomes.push(emptyOutcome(files[i] ?? '', [d.problem]));
  });
  planned.sort((a, b) => order(a) - order(b));
  checkCustomerOptions(req, planned, detections.length === planned.length);
  const work: PlannedWork[] = await Promise.all(
    planned.map(async (d) => ({
      file: d.path,
      bytes: await stat(d.path).then(
        (s) => s.size,
        () => 0,
      ),
      readFirst: readsFirst(d, req),
    })),
  );
  const rejects = new RejectsWriter(req.rejectsPath);
  const session = await store.openImport(req.partnerId);
  const emit = req.onProgress;
  const tracker = new ProgressTracker(
    () => store.progress(),
    (p) => emit?.(p),
    work,
    emit === undefined ? 0 : (req.progressIntervalMs ?? 100),
  );
  // Cancellation: the running statement is interrupted (the import then fails and rolls back),
  // until the commit begins.
  let committing = false;
  const onAbort = () => {
    if (!committing) store.interrupt();
  };
  signal?.addEventListener('abort', onAbort);
  let ended = false;
  let outcome: ImportReport['outcome'];
  let errorCount = 0;
  let warningCount = 0;
  try {
    try {
      if (req.partial) {
        for (const o of outcomes)
          rejects.write({ problems: o.errors, records: new Map(), recOfLine: new Map(), columns: [] });
      }
      const customer = importCustomer(session, req);
      // A wrong --customer fails before anything is read, unless this import's own customer or
      // user files may add the customer it names.
      const addsCustomers =
        req.replace === true ||
        planned.some(
          (d) =>
            (d.kind === 'canonical-csv' || d.kind === 'canonical-ndjson') &&
            (d.entity === 'customers' || d.entity === 'users'),
        );
      const named = (req.customer ?? req.createCustomer) !== undefined;
      if (named && planned.some(needsCustomer) && !addsCustomers) await customer.check();
      // Phase 1, before the transaction (temporary tables only, at full speed): bulk-read the CSV files.
      const prepared = new Map<string, Prepared>();
      for (const [i, d] of planned.entries()) {
        signal?.throwIfAborted();
        if (!readsFirst(d, req)) continue;
        tracker.enter(1, i, d.path, 'reading');
        prepared.set(d.path, await prepare(session, d, req));
      }
      // Phase 2: one transaction for everything that is validated and written.
      signal?.throwIfAborted();
      await session.begin();
      if (req.replace === true) await session.purgePartner();
      const refreshCatalog = async () => {
        const catalog = effectiveCatalog(shippedCatalog().products, await session.partnerProducts());
        await session.useCatalog(catalog);
        return catalog;
      };
      let catalog = await refreshCatalog();
      let changed = false;
      for (const [i, d] of planned.entries()) {
        signal?.throwIfAborted();
        const progress = (phase: Exclude<ImportPhase, 'committing' | 'done'>) => {
          signal?.throwIfAborted();
          tracker.enter(2, i, d.path, phase);
        };
        if (!readsFirst(d, req)) progress('reading');
        const ctx: FileContext = {
          session,
          customer,
          req,
          progress,
          rejects,
          prepared: prepared.get(d.path) ?? {},
          delimiter: 'delimiter' in d ? d.delimiter : ',',
        };
        let outcome: FileOutcome;
        switch (d.kind) {
          case 'canonical-csv':
            outcome = await importCanonicalCsv(ctx, d.path, d.entity, d.header);
            if (d.entity === 'products') catalog = await refreshCatalog();
            break;
          case 'canonical-ndjson':
            outcome = await importCanonicalNdjson(ctx, d.path, d.entity);
            if (d.entity === 'products') catalog = await refreshCatalog();
            break;
          case 'graph-active-users':
            outcome = await importGraphActiveUsers(ctx, d.path, d.header);
            break;
          case 'graph-subscribed-skus':
          case 'partner-center-subscriptions':
            outcome = await importJsonSubscriptions(ctx, d, catalog);
            break;
        }
        if (outcome.inserted + outcome.updated > 0) changed = true;
        outcomes.push(outcome);
      }
      signal?.throwIfAborted();
      errorCount = outcomes.reduce((n, o) => n + o.errorCount, 0);
      warningCount = outcomes.reduce((n, o) => n + o.warnings.length, 0);
      if (errorCount > 0 && !req.partial) {
        ended = true;
        await session.rollback();
        await rejects.discard();
        outcome = 'rejected';
      } else {
        // The rejects are complete on disk before the valid rows are stored; the last moment to
        // cancel is before the commit begins.
        await rejects.close();
        signal?.throwIfAborted();
        committing = true;
        tracker.committing();
        ended = true;
        await session.commit();
        outcome = errorCount > 0 ? 'partial' : changed ? 'committed' : 'unchanged';
      }
    } catch (e) {
      if (!ended) await session.rollback();
      await rejects.discard();
      if (aborted(signal) && !committing) throw interrupted();
      throw e;
    }
  } finally {
    tracker.stop();
    signal?.removeEventListener('abort', onAbort);
  }
  tracker.finish();
  const sorted = outcomes
    .map((o) => (outcome === 'rejected' ? { ...o, inserted: 0, updated: 0, unchanged: 0 } : o))
    .sort((a, b) => given.indexOf(a.file) - given.indexOf(b.file));
  const report: ImportReport = {
    importId,
    outcome,
    mode: req.partial ? 'partial' : 'all_or_nothing',
    files: sorted,
    errorCount,
    warningCount,
    rejectsFile: rejects.count > 0 ? rejects.file : null,
  };
  await store.audit({
    partnerId: req.partnerId,
    actor: req.actor,
    action: 'import',
    outcome,
    details: {
      importId,
      mode: report.mode,
      replace: req.replace === true,
      files: sorted.map((f) => f.file),
      rowsRead: sorted.reduce((n, f) => n + f.rows, 0),
      rowsRejected: sorted.reduce((n, f) => n + f.rejected, 0),
      errors: errorCount,
    },
  });
  return report;
}

/** Files the store reads in phase 1, before the transaction (CSV files it can bulk-read). */
function readsFirst(d: DetectedFile, req: ImportRequest): boolean {
  return (
    d.kind === 'canonical-csv' ||
    (d.kind === 'graph-active-users' && (req.customer ?? req.createCustomer) !== undefined)
  );
}

/**
 * What phase 1 read of a file: a staging table, the pre-aggregated facts of an activity file, or
 * a Graph report read typed and found valid. `longLine`: the file has a line the bulk reader may
 * drop without a word (longer than its buffer): it is read by the precise path and scanned.
 */
interface Prepared {
  readonly stage?: Staged;
  readonly activity?: Staged;
  readonly graph?: Staged;
  readonly longLine?: boolean;
}

async function prepare(session: ImportSession, d: DetectedFile, req: ImportRequest): Promise<Prepared> {
  if (d.kind === 'canonical-csv') {
    const mapping = mapCanonicalHeader(d.header, ENTITY_SPECS[d.entity], d.path);
    if (mapping.problems.some((p) => p.severity === 'error')) return {};
    const format = { delimiter: d.delimiter };
    const longLine = await hasLongLine(d.path);
    if (d.entity === 'activity' && !longLine) {
      const activity = await session.preaggregateActivityCsv(d.path, mapping.columns, format);
      if (activity !== null) return { activity };
    }
    return { stage: await session.stageCsv(d.path, mapping.columns, format), longLine };
  }
  if (d.kind === 'graph-active-users' && (req.customer ?? req.createCustomer) !== undefined) {
    const mapping = mapGraphHeader(d.header, d.path);
    if (mapping.problems.some((p) => p.severity === 'error')) return {};
    const format = { delimiter: d.delimiter };
    const longLine = await hasLongLine(d.path);
    const graph = longLine ? null : await session.readGraphCsv(d.path, mapping.columns, format);
    if (graph !== null) return { graph };
    return { stage: await session.stageCsv(d.path, mapping.columns, format), longLine };
  }
  return {};
}

/** Files that do not say which customer they are about (the customer is named on import). */
function needsCustomer(d: DetectedFile): boolean {
  return (
    d.kind === 'graph-active-users' ||
    d.kind === 'graph-subscribed-skus' ||
    d.kind === 'partner-center-subscriptions'
  );
}

/**
 * The customer of exports (`customer`, a stored one, or `createCustomer`, a new one): one of them,
 * and only for files that need a customer. The request schema checks the new name's shape; it is
 * checked here again for callers that built the request without it.
 */
function checkCustomerOptions(
  req: ImportRequest,
  planned: readonly DetectedFile[],
  allDetected: boolean,
): void {
  if (req.customer !== undefined && req.createCustomer !== undefined) {
    throw new AppError(
      'usage.invalid_argument',
      `both a stored customer (${JSON.stringify(req.customer)}) and a new one (${JSON.stringify(req.createCustomer)}) were named for these files: name one of them`,
    );
  }
  const named = req.createCustomer ?? req.customer;
  if (named !== undefined && allDetected && !planned.some(needsCustomer)) {
    throw new AppError(
      'usage.invalid_argument',
      `the customer ${JSON.stringify(named)} was named for a Graph or Partner Center export, and none of these files is one (canonical files say their customer in customer_id)`,
      [],
      {
        hint: {
          kind: 'omit_customer',
          field: req.createCustomer !== undefined ? 'createCustomer' : 'customer',
        },
      },
    );
  }
  if (req.createCustomer !== undefined) {
    const name = req.createCustomer.trim();
    if (name === '' || name.length > MAX_CUSTOMER_NAME || /\p{Cc}/u.test(name)) {
      throw new AppError(
        'usage.invalid_argument',
        `a new customer needs a name of 1 to ${MAX_CUSTOMER_NAME} characters without control characters (got ${JSON.stringify(req.createCustomer)})`,
      );
    }
  }
}

/** The customer an import's exports are about: resolved once, created (if asked) at first need. */
interface ImportCustomer {
  /** Resolves now (before the transaction): a wrong name fails before any file is read. */
  check(): Promise<void>;
  /** The customer's id; `created` is true for the one call that created it. */
  get(): Promise<{ readonly customerId: string; readonly created: boolean }>;
}

function importCustomer(session: ImportSession, req: ImportRequest): ImportCustomer {
  let planned: Promise<{
    customerId: string;
    create: { name: string; domain: string | null } | null;
  }> | null = null;
  let created = false;
  const plan = async () => {
    const query = req.createCustomer ?? req.customer ?? '';
    const candidates = await session.customerCandidates(userDomainOf(query));
    if (req.createCustomer !== undefined) {
      const name = req.createCustomer.trim();
      const r = resolveCustomer(candidates, name);
      if (r.kind === 'found') {
        throw new AppError(
          'usage.invalid_argument',
          `the new customer ${JSON.stringify(name)} exists already: ${describeCustomer(r.customer)} (same ${r.by})`,
          [],
          { hint: { kind: 'use_customer', customerId: r.customer.customerId } },
        );
      }
      if (r.kind === 'ambiguous') {
        throw new AppError(
          'usage.invalid_argument',
          `the new customer ${JSON.stringify(name)}: ${r.candidates.length} customers have that ${r.by} already (${r.candidates.map(describeCustomer).join('; ')})`,
          [],
          { hint: { kind: 'use_customer', customerId: null } },
        );
      }
      const customerId = newCustomerId(name, new Set(candidates.map((c) => c.customerId)));
      return { customerId, create: { name, domain: looksLikeDomain(name) ? name.toLowerCase() : null } };
    }
    if (req.customer === undefined) throw new AppError('internal', 'no customer named on import');
    const { customer } = expectCustomer(candidates, req.customer, {
      kind: 'create_customer',
      name: looksLikeDomain(req.customer) ? null : req.customer,
    });
    return { customerId: customer.customerId, create: null };
  };
  return {
    check: async () => {
      planned ??= plan();
      await planned;
    },
    get: async () => {
      planned ??= plan();
      const p = await planned;
      if (p.create === null || created) return { customerId: p.customerId, created: false };
      await session.createCustomer({ customerId: p.customerId, ...p.create });
      created = true;
      return { customerId: p.customerId, created: true };
    },
  };
}

interface FileContext {
  readonly prepared: Prepared;
  readonly customer: ImportCustomer;
  readonly session: ImportSession;
  readonly req: ImportRequest;
  readonly progress: (phase: Exclude<ImportPhase, 'committing' | 'done'>) => void;
  readonly rejects: RejectsWriter;
  /** The CSV file's separator (`,` for other formats). */
  readonly delimiter: CsvDelimiter;
}

/** A file of which nothing is stored, or nothing could be read: its problems say why. */
function emptyOutcome(
  file: string,
  errors: Problem[],
  kind: FileOutcome['kind'] = 'unknown',
  entity: string | null = null,
): FileOutcome {
  const errorList = errors.filter((p) => p.severity === 'error');
  return {
    file,
    kind,
    entity,
    rows: 0,
    rejected: 0,
    fileRejected: errorList.length > 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    errors: errorList,
    errorCount: errorList.length,
    warnings: errors.filter((p) => p.severity === 'warning'),
  };
}

/** A CSV file refused as a whole before staging (header errors): all its records are rejected. */
async function refusedCsvOutcome(
  ctx: FileContext,
  file: string,
  problems: readonly Problem[],
  kind: FileOutcome['kind'],
  entity: string | null,
): Promise<FileOutcome> {
  const scan = await scanCsv(file, { displayName: file, maxProblems: 0, delimiter: ctx.delimiter });
  const rows = scan.records + scan.badRecords;
  return { ...emptyOutcome(file, [...problems], kind, entity), rows, rejected: rows };
}

interface StagedFile {
  readonly stage: Staged;
  readonly spec: EntitySpec;
  readonly present: readonly string[];
  /** Stage column of each file column (CSV), for column numbers. */
  readonly fileColumns: readonly string[] | null;
  readonly stageColumns: readonly string[];
  /** Problems found before staging (NDJSON lines that are not objects, …). */
  readonly early: readonly Problem[];
  readonly earlyCount: number;
  readonly earlyRejected: number;
  /** The CSV file has a line the bulk reader may have dropped: scan it whatever validation finds. */
  readonly longLine?: boolean;
}

interface Validated {
  readonly problems: Problem[];
  readonly count: number;
  /** Records of the file (the scanner's count when it read the file, else the stage's). */
  readonly rows: number;
  readonly rejected: number;
  /** The bulk reader and the scanner disagree on the file's records: nothing of it can be trusted. */
  readonly unusable: boolean;
  readonly lineOf: (rec: number) => number | undefined;
  readonly locate: (recs: number[]) => Promise<void>;
}

/** A CSV file's stage: its columns are the file's, as the header mapped them. */
function csvStaged(stage: Staged, spec: EntitySpec, mapping: HeaderMapping, longLine = false): StagedFile {
  return {
    stage,
    spec,
    present: mapping.present,
    fileColumns: mapping.columns,
    stageColumns: mapping.columns,
    early: [],
    earlyCount: 0,
    earlyRejected: 0,
    longLine,
  };
}

/** The validation of a file the fast path found valid throughout. */
function nothingWrong(rows: number): Validated {
  return {
    problems: [],
    count: 0,
    rows,
    rejected: 0,
    unusable: false,
    lineOf: () => undefined,
    locate: async () => {},
  };
}

/**
 * Validates a stage, locates its problems (CSV lines come from the scanner, which also reports the
 * records the bulk reader refused or dropped), and writes rejects in partial mode.
 */
async function validateStaged(ctx: FileContext, file: string, s: StagedFile): Promise<Validated> {
  ctx.progress('validating');
  const limit = ctx.req.partial ? ALL_PROBLEMS : ctx.req.maxProblemsPerFile;
  const v = await ctx.session.validate(s.stage, s.spec, s.present, limit);
  const lineMap = new Map<number, number>();
  const isCsv = s.fileColumns !== null;
  const recsOf = (ps: readonly RowProblem[]) =>
    ps.flatMap((p) => (p.refRec === null ? [p.rec] : [p.rec, p.refRec]));
  let structural: Problem[] = [];
  let structuralCount = 0;
  let unusable = false;
  let rows = s.stage.rows + s.stage.refused + s.earlyRejected;
  let refused = s.stage.refused;
  if (isCsv && (v.problems.length > 0 || s.stage.refused > 0 || s.longLine === true)) {
    const scan = await scanCsv(file, {
      displayName: file,
      maxProblems: limit,
      delimiter: ctx.delimiter,
      wanted: new Set(recsOf(v.problems)),
      onWanted: (rec, line) => lineMap.set(rec, line),
      ...(ctx.req.signal !== undefined ? { signal: ctx.req.signal } : {}),
    });
    structural = [...scan.problems];
    structuralCount = scan.problemCount;
    rows = scan.records + scan.badRecords;
    refused = scan.badRecords;
    unusable = scan.records !== s.stage.rows;
    if (unusable && structuralCount === 0) {
      // Never a count without a problem to show: say what is wrong, at the file.
      structural = [
        {
          severity: 'error',
          code: 'ingest.record_count',
          file,
          value: `${s.stage.rows} and ${scan.records} records`,
          message:
            'the bulk reader and the line scanner read a different number of records, so no line number can be trusted: the file is refused as a whole (please report this, with the file if you can)',
          expected: 'the same records read by both',
        },
      ];
      structuralCount = 1;
    }
  }
  const locate = async (recs: number[]) => {
    if (!isCsv) return;
    const wanted = recs.filter((r) => !lineMap.has(r));
    if (wanted.length === 0) return;
    await scanCsv(file, {
      displayName: file,
      maxProblems: 0,
      delimiter: ctx.delimiter,
      wanted: new Set(wanted),
      onWanted: (rec, line) => lineMap.set(rec, line),
    });
  };
  const lineOf = (rec: number) => lineMap.get(rec);
  if (unusable) {
    const problems = [...structural];
    if (ctx.req.partial)
      ctx.rejects.write({ problems, records: new Map(), recOfLine: new Map(), columns: [] });
    return {
      problems: problems.slice(0, ctx.req.maxProblemsPerFile),
      count: structuralCount,
      rows,
      rejected: rows,
      unusable,
      lineOf,
      locate,
    };
  }
  const columnOf = (field: string) => {
    const i = s.fileColumns?.indexOf(field) ?? -1;
    return i >= 0 ? i + 1 : undefined;
  };
  const decimalComma = ctx.delimiter === ';';
  const described = v.problems.map((p) =>
    describeRowProblem(p, s.spec, file, columnOf, { lineOf }, { decimalComma }),
  );
  if (ctx.req.partial) {
    const records =
      v.problems.length > 0
        ? await ctx.session.readRecords(s.stage, [...new Set(v.problems.map((p) => p.rec))])
        : new Map();
    const recOfLine = new Map<number, number>();
    for (const p of v.problems) {
      const line = p.line ?? lineOf(p.rec);
      if (line !== undefined) recOfLine.set(line, p.rec);
    }
    const all = [...s.early, ...structural, ...described].sort(byLine);
    if (all.length > 0)
      ctx.rejects.write({
        problems: all,
        records,
        recOfLine,
        columns: s.stageColumns.filter((c) => !c.startsWith('_')),
      });
  }
  const problems = [...s.early, ...structural, ...described]
    .sort(byLine)
    .slice(0, ctx.req.maxProblemsPerFile);
  return {
    problems,
    count: v.problemCount + s.earlyCount + structuralCount,
    rows,
    rejected: v.badRecords + s.earlyRejected + refused,
    unusable,
    lineOf,
    locate,
  };
}

function unknownProductWarnings(
  file: string,
  counts: MergeCounts,
  lineOf: (rec: number) => number | undefined,
): Problem[] {
  return counts.unknownProducts.map((u) => {
    const line = u.line ?? lineOf(u.rec);
    return {
      severity: 'warning',
      code: 'ingest.unknown_product',
      file,
      ...(line !== undefined ? { line } : {}),
      field: 'product_id',
      value: u.productId,
      message: 'product not in the catalog: kept by id and flagged "name unknown"',
      expected: 'a skuId or part number of the catalog, or a product_id of a products file',
    };
  });
}

async function importCanonicalCsv(
  ctx: FileContext,
  file: string,
  entity: CanonicalEntity,
  header: readonly string[],
): Promise<FileOutcome> {
  const spec = ENTITY_SPECS[entity];
  const mapping = mapCanonicalHeader(header, spec, file);
  if (mapping.problems.some((p) => p.severity === 'error')) {
    if (ctx.req.partial)
      ctx.rejects.write({
        problems: mapping.problems,
        records: new Map(),
        recOfLine: new Map(),
        columns: [],
      });
    return refusedCsvOutcome(ctx, file, mapping.problems, 'canonical-csv', entity);
  }
  if (ctx.prepared.activity !== undefined) {
    ctx.progress('merging');
    const fast = await ctx.session.mergeActivityAggregate(ctx.prepared.activity, 'canonical');
    if (fast !== null) {
      return {
        ...emptyOutcome(file, [], 'canonical-csv', entity),
        rows: fast.rows ?? 0,
        inserted: fast.inserted,
        updated: fast.updated,
        unchanged: fast.unchanged,
      };
    }
  }
  // The precise path (also when the fast one found a problem it cannot place).
  const stage =
    ctx.prepared.stage ?? (await ctx.session.stageCsv(file, mapping.columns, { delimiter: ctx.delimiter }));
  const v = await validateStaged(ctx, file, csvStaged(stage, spec, mapping, ctx.prepared.longLine));
  if (v.unusable) return unusableOutcome(file, 'canonical-csv', entity, v);
  ctx.progress('merging');
  const counts = await ctx.session.merge(stage, entity, mapping.present, 'canonical');
  await v.locate(counts.unknownProducts.map((u) => u.rec));
  return {
    file,
    kind: 'canonical-csv',
    entity,
    rows: v.rows,
    rejected: v.rejected,
    fileRejected: false,
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: counts.unchanged,
    errors: v.problems,
    errorCount: v.count,
    warnings: unknownProductWarnings(file, counts, v.lineOf),
  };
}

function unusableOutcome(
  file: string,
  kind: FileOutcome['kind'],
  entity: string | null,
  v: Validated,
): FileOutcome {
  return {
    ...emptyOutcome(file, [], kind, entity),
    rows: v.rows,
    rejected: v.rows,
    fileRejected: true,
    errors: v.problems,
    errorCount: v.count,
  };
}

async function importCanonicalNdjson(
  ctx: FileContext,
  file: string,
  entity: CanonicalEntity,
): Promise<FileOutcome> {
  const spec = ENTITY_SPECS[entity];
  const state: NdjsonReadState = { present: new Set(), problems: [], problemCount: 0, rejectedLines: 0 };
  const columns = spec.columns.map((c) => c.name);
  const stage = await ctx.session.stageRecords(
    columns,
    readNdjson(file, file, spec, ctx.req.maxProblemsPerFile, state, ctx.req.signal),
  );
  // Required keys are checked on every record, even when no record has them.
  const present = columns.filter(
    (c) => state.present.has(c) || spec.columns.some((s) => s.name === c && s.required),
  );
  const v = await validateStaged(ctx, file, {
    stage,
    spec,
    present,
    fileColumns: null,
    stageColumns: columns,
    early: state.problems,
    earlyCount: state.problemCount,
    earlyRejected: state.rejectedLines,
  });
  ctx.progress('merging');
  const counts = await ctx.session.merge(stage, entity, present, 'canonical');
  return {
    file,
    kind: 'canonical-ndjson',
    entity,
    rows: v.rows,
    rejected: v.rejected,
    fileRejected: false,
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: counts.unchanged,
    errors: v.problems,
    errorCount: v.count,
    warnings: unknownProductWarnings(file, counts, v.lineOf),
  };
}

/** A file refused before reading: its problems go to the rejects file too (partial mode). */
function fileRefused(ctx: FileContext, outcome: FileOutcome): FileOutcome {
  if (ctx.req.partial)
    ctx.rejects.write({ problems: outcome.errors, records: new Map(), recOfLine: new Map(), columns: [] });
  return outcome;
}

/** The period of a Graph report: as asked, else named in the file name, else D30 (assumed). */
export function graphReportPeriod(
  file: string,
  asked: GraphReportPeriod | undefined,
): { readonly period: GraphReportPeriod; readonly assumed: boolean } {
  if (asked !== undefined) return { period: asked, assumed: false };
  const m = /(?:^|[^A-Za-z0-9]|Detail)(D(?:7|30|90|180))(?![0-9])/i.exec(path.basename(file));
  const named = m?.[1]?.toUpperCase();
  if (named !== undefined && named in GRAPH_REPORT_PERIODS)
    return { period: named as GraphReportPeriod, assumed: false };
  return { period: 'D30', assumed: true };
}

function needCustomer(file: string, what: string): Problem {
  return {
    severity: 'error',
    code: 'ingest.customer_required',
    file,
    message: `${what} does not say which customer it is about`,
    expected: 'the customer named on import: a stored customer, or a new one to create',
    hint: { kind: 'name_customer' },
  };
}

function createdMessage(req: ImportRequest, customerId: string): string {
  return `customer ${JSON.stringify(req.createCustomer?.trim())} created with the id ${JSON.stringify(customerId)}; name it by that id or its name from now on`;
}

async function importGraphActiveUsers(
  ctx: FileContext,
  file: string,
  header: readonly string[],
): Promise<FileOutcome> {
  const mapping = mapGraphHeader(header, file);
  const headerErrors = mapping.problems.filter((p) => p.severity === 'error');
  if ((ctx.req.customer ?? ctx.req.createCustomer) === undefined)
    return fileRefused(
      ctx,
      emptyOutcome(file, [needCustomer(file, 'a Graph usage report')], 'graph-active-users'),
    );
  if (headerErrors.length > 0) {
    if (ctx.req.partial)
      ctx.rejects.write({ problems: headerErrors, records: new Map(), recOfLine: new Map(), columns: [] });
    return refusedCsvOutcome(ctx, file, mapping.problems, 'graph-active-users', null);
  }
  const { customerId, created } = await ctx.customer.get();
  const period = graphReportPeriod(file, ctx.req.graphPeriod);
  // A report the fast path read is valid throughout; otherwise the precise path validates the stage.
  const stage =
    ctx.prepared.graph ??
    ctx.prepared.stage ??
    (await ctx.session.stageCsv(file, mapping.columns, { delimiter: ctx.delimiter }));
  const v: Validated =
    ctx.prepared.graph !== undefined
      ? nothingWrong(stage.rows)
      : await validateStaged(
          ctx,
          file,
          csvStaged(stage, GRAPH_ACTIVE_USERS_SPEC, mapping, ctx.prepared.longLine),
        );
  if (v.unusable) return unusableOutcome(file, 'graph-active-users', null, v);
  ctx.progress('merging');
  const g = await ctx.session.mergeGraphActiveUsers(stage, customerId, GRAPH_REPORT_PERIODS[period.period]);
  const warnings: Problem[] = mapping.problems.filter((p) => p.severity === 'warning');
  const warn = (code: string, message: string, extra: Partial<Problem> = {}) =>
    warnings.push({ severity: 'warning', code, file, message, ...extra });
  if (created) warn('ingest.customer_created', createdMessage(ctx.req, customerId));
  if (period.assumed)
    warn(
      'ingest.report_period_assumed',
      'the report does not say its period and the file name names none: taken as D30 (it measures usage on its refresh date)',
      {
        value: path.basename(file),
        expected: 'a file name with _D7, _D30, _D90 or _D180, or the period named on import',
        hint: { kind: 'name_report_period' },
      },
    );
  else if (GRAPH_REPORT_PERIODS[period.period] < 28)
    warn(
      'ingest.report_period_short',
      `a ${period.period} report adds its activity but measures no usage by itself: usage is known only on days a report of 28 days or more, or canonical activity, covers (docs/metrics.md, "What the data can tell")`,
      { value: period.period },
    );
  if (g.concealedNames > 0) {
    warn(
      'ingest.concealed_names',
      `${g.concealedNames} of ${stage.rows} user names are concealed (32-character hashes): the customer is flagged; per-user lists will show hashes. Ask the customer to turn off "Display concealed user, group, and site names in all reports" (Microsoft 365 admin center → Settings → Org settings → Reports)`,
    );
  }
  for (const name of g.unknownProducts) {
    warn(
      'ingest.unknown_product',
      'product name not in the catalog: kept by name and flagged "name unknown"',
      { field: 'Assigned Products', value: name },
    );
  }
  if (g.assignments.skippedAsStale) {
    warn(
      'ingest.stale_report',
      `a newer report was imported for this customer before: activity added, license assignments left as the newer report says`,
    );
  }
  return {
    file,
    kind: 'graph-active-users',
    entity: null,
    rows: v.rows,
    rejected: v.rejected,
    fileRejected: false,
    inserted: g.users.inserted + g.activity.inserted + g.assignments.opened,
    updated: g.users.updated + g.assignments.closed,
    unchanged: g.users.unchanged,
    errors: v.problems,
    errorCount: v.count,
    warnings,
  };
}

async function importJsonSubscriptions(
  ctx: FileContext,
  d: DetectedFile & { kind: 'graph-subscribed-skus' | 'partner-center-subscriptions' },
  catalog: Parameters<typeof productResolver>[0],
): Promise<FileOutcome> {
  const file = d.path;
  const what =
    d.kind === 'graph-subscribed-skus'
      ? 'a Graph subscribedSkus export'
      : 'a Partner Center subscriptions export';
  if ((ctx.req.customer ?? ctx.req.createCustomer) === undefined)
    return fileRefused(ctx, emptyOutcome(file, [needCustomer(file, what)], d.kind));
  const { customerId, created } = await ctx.customer.get();
  const result: JsonSourceResult =
    d.kind === 'graph-subscribed-skus'
      ? await readSubscribedSkus(file, file, { customerId, asOf: ctx.req.asOf, channel: ctx.req.channel })
      : await readPartnerCenterSubscriptions(file, file, {
          customerId,
          asOf: ctx.req.asOf,
          partnerId: ctx.req.partnerId,
          resolver: productResolver(catalog),
          held: await ctx.session.customerProducts(customerId),
        });
  const stage = await ctx.session.stageRecords(SUBSCRIPTION_STAGE_COLUMNS, result.records);
  const spec = ENTITY_SPECS.subscriptions;
  const present = spec.columns.map((c) => c.name);
  const v = await validateStaged(ctx, file, {
    stage,
    spec,
    present,
    fileColumns: null,
    stageColumns: SUBSCRIPTION_STAGE_COLUMNS,
    early: result.problems,
    earlyCount: result.problems.length,
    earlyRejected: result.problems.length,
  });
  ctx.progress('merging');
  const source = d.kind === 'graph-subscribed-skus' ? 'graph_subscribed_skus' : 'partner_center';
  const counts = await ctx.session.merge(stage, 'subscriptions', present, source);
  const warnings = [...result.warnings, ...unknownProductWarnings(file, counts, v.lineOf)];
  if (created) {
    warnings.unshift({
      severity: 'warning',
      code: 'ingest.customer_created',
      file,
      message: createdMessage(ctx.req, customerId),
    });
  }
  return {
    file,
    kind: d.kind,
    entity: 'subscriptions',
    rows: v.rows,
    rejected: v.rejected,
    fileRejected: false,
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: counts.unchanged,
    errors: v.problems,
    errorCount: v.count,
    warnings,
  };
}
