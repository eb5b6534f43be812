/**
 * The store interface: everything the core asks of a database, in the core's words. The embedded
 * DuckDB store implements it now; a PostgreSQL store must satisfy the same interface (and the same
 * store test suite) later. SQL lives only behind this interface.
 */
import type {
  AuditRecord,
  BillingCycle,
  CanonicalEntity,
  CatalogProduct,
  Channel,
  CustomerRecord,
  DataSource,
  DataTrust,
  EntitySpec,
  Exclusion,
  ExclusionInput,
  InactiveUser,
  ProductDayMetrics,
  RecommendationSettings,
  StoreStatus,
  SubscriptionStatus,
  SupportMetric,
  WorkloadCode,
} from '@license-insights/contracts';
import type { CustomerCandidate } from '../customers/resolve-customer';
import type { CsvDelimiter } from '../ingest/csv-scan';
import type { BitsetInput } from '../metrics/bitset-engine';
import type { MeasuredSources } from '../metrics/measured';
import type { MetricRuns } from '../metrics/runs';
import type { SumRuns } from '../metrics/sum-runs';

/** Shapes the store returns as the contracts define them (one definition for core and adapters). */
export type { AuditRecord, CustomerRecord, DataTrust, InactiveUser };

/** A file or record set loaded into a temporary staging table of the current import. */
export interface Staged {
  readonly stageId: number;
  /** Records staged. */
  readonly rows: number;
  /** Records the bulk reader refused for their structure (field count, quotes, encoding). */
  readonly refused: number;
}

/** One invalid value found by the store's validation, before its line is known. */
export interface RowProblem {
  /** Record index in the staged source (0-based, file order). */
  readonly rec: number;
  /** Line, when the stage knows it (JSON sources); CSV lines are found by the scanner. */
  readonly line: number | null;
  readonly field: string;
  readonly value: string | null;
  readonly check: CheckKind;
  /** For duplicates: the record index of the first occurrence. */
  readonly refRec: number | null;
  readonly refLine: number | null;
}

export type CheckKind =
  | 'missing'
  | 'format'
  | 'unknown_customer'
  | 'unknown_user'
  | 'duplicate'
  | 'order'
  | 'subset'
  | 'whitespace';

export interface ValidationResult {
  /** The first problems in file order, at most the limit asked for. */
  readonly problems: readonly RowProblem[];
  readonly problemCount: number;
  readonly badRecords: number;
}

export interface MergeCounts {
  /** Records read, when the merge read the file itself (the activity fast path). */
  readonly rows?: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Products met in input that no catalog knows: kept by id and flagged. */
  readonly unknownProducts: readonly {
    readonly productId: string;
    readonly rec: number;
    readonly line: number | null;
  }[];
}

export interface GraphReportOutcome {
  readonly refreshDates: readonly string[];
  readonly users: MergeCounts;
  readonly activity: MergeCounts;
  readonly assignments: {
    readonly opened: number;
    readonly closed: number;
    readonly skippedAsStale: boolean;
  };
  readonly concealedNames: number;
  readonly unknownProducts: readonly string[];
}

/**
 * How a CSV file is written, as detected from its header: the separator (`;` files also write
 * decimals with a comma). Everything else is the one dialect of `ingest/csv-scan.ts`.
 */
export interface CsvFormat {
  readonly delimiter: CsvDelimiter;
}

/** A value of a staged column (CSV values are text; JSON values are turned into text first). */
export type StagedValue = string | null;

/** The columns a stage holds: our own column names (from a spec), never header text from input. */
export interface StageColumns {
  readonly names: readonly string[];
}

/**
 * One import. Files may be read (staged) right away; `begin` opens the one transaction in which
 * everything is validated and written; `commit` or `rollback` ends it.
 */
export interface ImportSession {
  begin(): Promise<void>;
  /** Deletes everything stored for the partner (in this transaction), for full reloads. */
  purgePartner(): Promise<void>;
  /**
   * Bulk-loads a CSV file; `columns[i]` names the i-th column of the file. Records with structural
   * faults (field count, quotes, encoding, `MAX_RECORD_BYTES` or longer) are set aside and counted
   * in `refused`.
   */
  stageCsv(path: string, columns: readonly string[], format: CsvFormat): Promise<Staged>;
  /** Loads records produced in JavaScript (NDJSON and JSON formats) with their lines. */
  stageRecords(
    columns: readonly string[],
    records:
      | AsyncIterable<{ readonly line: number; readonly values: readonly StagedValue[] }>
      | Iterable<{ readonly line: number; readonly values: readonly StagedValue[] }>,
  ): Promise<Staged>;
  /** Checks a stage against a spec (formats, references, duplicate keys); remembers its bad records. */
  validate(
    stage: Staged,
    spec: EntitySpec,
    presentColumns: readonly string[],
    limit: number,
  ): Promise<ValidationResult>;
  /** Merges the valid records of a stage into the store; returns what changed. */
  merge(
    stage: Staged,
    entity: CanonicalEntity,
    presentColumns: readonly string[],
    source: DataSource,
  ): Promise<MergeCounts>;
  /**
   * Fast path for large activity CSV files: reads and groups the facts into day masks (before
   * `begin`, so at full speed). Returns null when anything is wrong with the file: the precise path
   * (stageCsv + validate) then says what and where.
   */
  preaggregateActivityCsv(
    path: string,
    columns: readonly string[],
    format: CsvFormat,
  ): Promise<Staged | null>;
  /** Merges a pre-aggregated activity file; null when it names unknown users or workloads (precise path). */
  mergeActivityAggregate(staged: Staged, source: DataSource): Promise<MergeCounts | null>;
  /** Values of some staged records, in column order (for the rejects file). */
  readRecords(stage: Staged, recs: readonly number[]): Promise<Map<number, readonly StagedValue[]>>;
  /**
   * Fast path for Graph "Office 365 active user detail" reports: reads the file typed and checked
   * in one pass (before `begin`). Returns null when any record has a problem: the precise path
   * (stageCsv + validate) then says what and where.
   */
  readGraphCsv(path: string, columns: readonly string[], format: CsvFormat): Promise<Staged | null>;
  /**
   * Applies a Graph report, validated stage or fast-path read, to a customer. A report period of
   * 28 days or more measures the Graph workloads on its refresh date (SPEC §2.3).
   */
  mergeGraphActiveUsers(stage: Staged, customerId: string, periodDays: number): Promise<GraphReportOutcome>;
  /** The partner's customers as this transaction sees them (see Store.customerCandidates). */
  customerCandidates(userDomain: string | null): Promise<CustomerCandidate[]>;
  /** Adds a customer (the caller resolved the name first and chose a free id). */
  createCustomer(customer: {
    readonly customerId: string;
    readonly name: string;
    readonly domain: string | null;
  }): Promise<void>;
  /** The partner's own products (custom and discovered), as the transaction sees them now. */
  partnerProducts(): Promise<CatalogProduct[]>;
  /** Tells the session the effective catalog (after products were merged) for product lookups. */
  useCatalog(catalog: readonly CatalogProduct[]): Promise<void>;
  /** Product ids a customer's stored subscriptions name (for names several products share). */
  customerProducts(customerId: string): Promise<Set<string>>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Which workloads count for a customer's product when telling who is inactive (SPEC §2.3). */
export interface InactiveScope {
  readonly customerId: string;
  readonly productId: string;
  /** The product's workloads measured on D (data reaching back over the N days). */
  readonly workloads: readonly WorkloadCode[];
}

/** What is out of date in a partner's metrics, and over which days they were and can be computed. */
export interface MetricsPlan {
  readonly dirty: readonly { readonly customerId: string; readonly fromDay: string }[];
  readonly computed: { readonly firstDay: string; readonly lastDay: string } | null;
  /** Days metrics cover: from the partner's first activity day to the last day of any source. */
  readonly activity: { readonly firstDay: string; readonly lastDay: string } | null;
}

/** One customer's data as the metric engine reads it (see metrics/bitset-engine.ts). */
export interface CustomerMetricData extends Omit<BitsetInput, 'products'> {
  readonly customerId: string;
  /** Products of the customer (a subscription or an assignment), sorted; engine product indexes. */
  readonly productIds: readonly string[];
}

export interface DailyMetricsChunksOptions {
  /** Only these customers (default: all the partner's). */
  readonly customerIds?: readonly string[];
  /** Rows a chunk holds at most (default `DAILY_METRICS_CHUNK_ROWS`). */
  readonly chunkRows?: number;
}

/** Rows of a chunk of `dailyMetricsChunks` unless asked otherwise. */
export const DAILY_METRICS_CHUNK_ROWS = 8192;

export interface DailyMetricsWrite {
  /** Delete every metric of the partner first (the first batch of a full recompute). */
  readonly replaceAll: boolean;
  /** The write covers every customer of the partner (cheaper deletes than a list of ids). */
  readonly allCustomers: boolean;
  /** Day number of the first written day; the written customers' rows are replaced from it on. */
  readonly fromDay: number;
  /** Last day computed before this write (null: none); days after it have no runs to cut. */
  readonly previousLastDay: number | null;
  readonly days: number;
  /** The whole range metrics now cover (day numbers). */
  readonly firstDay: number;
  readonly lastDay: number;
  /** The written customers; runs refer to them by index. */
  readonly customerIds: readonly string[];
  /** The products runs refer to by index. */
  readonly productIds: readonly string[];
  readonly runs: MetricRuns;
  /**
   * The written customers' sums per cell and day (metrics/sum-runs.ts), from the same runs: stored
   * with them, replaced from the same day on, in the same unit of work.
   */
  readonly sums: SumRuns;
}

/**
 * One part's share of a split compute (several workers, one job: use-cases/compute-metrics.ts):
 * the runs and sums of the part's customers from the job's first recomputed day, as the engine
 * gave them. Staged under the job, never read by readers, until the job publishes them all.
 */
export type StagedMetricsWrite = Pick<DailyMetricsWrite, 'customerIds' | 'productIds' | 'runs' | 'sums'>;

/**
 * What a part of a split compute needs besides its customers, stored with the job so that a
 * worker of another process can run a part: the job's days and how to run the engine.
 */
export interface ComputeJobSpec {
  /** First recomputed day, first and last day metrics cover (YYYY-MM-DD). */
  readonly fromDay: string;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly batchSize: number | null;
  readonly engine: 'worker' | 'inline' | 'auto';
}

/** A part of a split compute job as a worker claimed it. */
export interface ClaimedPart {
  readonly partnerId: string;
  readonly jobId: string;
  readonly part: number;
  readonly customers: readonly string[];
  readonly spec: ComputeJobSpec;
}

/** Where a job's parts are (`Store.awaitComputeParts`). */
export interface ComputePartsState {
  /** Parts staged (committed); the job publishes when all are. */
  readonly staged: number;
  /** Parts open: never claimed, or given back by a worker that failed or died. */
  readonly open: number;
  /** Metric rows the staged parts computed. */
  readonly rows: number;
}

/**
 * What a split compute publishes once every part has staged: the `DailyMetricsWrite` of one
 * unsplit compute without its runs (they are the job's staged ones, its written customers the
 * customers the parts staged).
 */
export type MetricsPublish = Omit<DailyMetricsWrite, 'customerIds' | 'productIds' | 'runs' | 'sums'> & {
  /** Parts the job was split into: publishing refuses a job with a part missing. */
  readonly parts: number;
};

/**
 * The unit one part of a split compute works in: it reads its customers' data on one snapshot
 * and stages their runs and sums under the job, committed when the part ends (visible to the
 * job's publish in another transaction, to no reader).
 */
export interface StagingUnit extends Pick<StoreReader, 'partnerProducts' | 'loadMetricData'> {
  /**
   * Stages a batch of the part's runs and sums under the unit's job and part (a part may stage
   * several batches; each customer once).
   */
  stageDailyMetrics(write: StagedMetricsWrite, y?: Yield): Promise<void>;
}

/** More conditions on the audit records read (all optional; absent: no condition). */
export interface AuditFilter {
  /** Part of the actor (case-insensitive). */
  readonly actor?: string | undefined;
  /** From this instant on (ISO, inclusive). */
  readonly from?: string | undefined;
  /** Before this instant (ISO, exclusive). */
  readonly to?: string | undefined;
}

export interface AuditEntry {
  readonly partnerId: string;
  readonly actor: string;
  readonly action: string;
  readonly outcome: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Support requests opened in the 28 days ending on `day`, in one scope (null: not narrowed). */
export type SupportCount = Omit<SupportMetric, 'activeUsers' | 'howToPer100'>;

/** Users of a customer active in the 28 days ending on `day`, in a workload or (null) in any. */
export interface ActiveUserCount {
  readonly customerId: string;
  readonly day: string;
  readonly workload: WorkloadCode | null;
  readonly users: number;
}

/** A subscription as of a day (its latest snapshot on or before it). */
export interface SubscriptionState {
  readonly customerId: string;
  readonly subscriptionId: string;
  readonly productId: string;
  readonly quantity: number;
  readonly status: SubscriptionStatus;
  readonly isTrial: boolean;
  readonly channel: Channel;
  readonly billingCycle: BillingCycle | null;
  readonly termEnd: string | null;
  readonly autoRenew: boolean | null;
}

/** The partner's stored settings as saved (validated again on reading: defaults may have grown). */
export interface StoredSettings {
  readonly settings: unknown;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/**
 * What can be read in one unit of work: every read sees one snapshot of the store (the state before
 * or after any write unit, never half of one).
 */
export interface StoreReader {
  schemaVersion(): Promise<number>;
  /**
   * Names the data this unit reads: two read units with the same version read the same data, so
   * what one derived from it (a cached report context) holds for the other. A write unit's is its
   * own (it reads its uncommitted writes).
   */
  dataVersion(): Promise<string>;
  partnerIds(): Promise<string[]>;
  /** What is stored: every partner, or one (over the listed customers only, when given). */
  status(partnerId?: string, customerIds?: readonly string[]): Promise<StoreStatus>;
  /** Everything stored for an entity, in canonical form (sorted by key): for export and round-trip tests. */
  dumpCanonical(partnerId: string, entity: CanonicalEntity): Promise<Record<string, string>[]>;
  partnerProducts(partnerId: string): Promise<CatalogProduct[]>;
  metricsPlan(partnerId: string): Promise<MetricsPlan>;
  customerIds(partnerId: string): Promise<string[]>;
  customers(partnerId: string): Promise<CustomerRecord[]>;
  /**
   * The partner's customers for the customer resolver. Users' sign-in domains are looked up for one
   * domain only, `userDomain` (what a person typed, when it looks like a domain): a candidate's
   * `userDomains` is `[userDomain]` when some of its users sign in there, else empty.
   */
  customerCandidates(partnerId: string, userDomain: string | null): Promise<CustomerCandidate[]>;
  /**
   * Users holding a scope's product on D with no activity in any of the scope's workloads for at
   * least `minDays` days (last activity before D − minDays + 1, or never), with their last activity.
   */
  inactiveLicensedUsers(
    partnerId: string,
    day: string,
    scopes: readonly InactiveScope[],
    minDays: number,
  ): Promise<InactiveUser[]>;
  /** The same users counted per customer and product (scopes without any are left out). */
  inactiveLicensedCounts(
    partnerId: string,
    day: string,
    scopes: readonly InactiveScope[],
    minDays: number,
  ): Promise<{ readonly customerId: string; readonly productId: string; readonly users: number }[]>;
  /** The activity sources of customers (all, or the listed ones): what the data can tell (SPEC §2.3). */
  measuredSources(partnerId: string, customerIds?: readonly string[]): Promise<Map<string, MeasuredSources>>;
  dataTrust(partnerId: string, customerIds?: readonly string[]): Promise<DataTrust[]>;
  /** Stored daily metrics rows of a day (all customers, or the listed ones), sorted by customer, product, workload. */
  dailyMetrics(partnerId: string, day: string, customerIds?: readonly string[]): Promise<ProductDayMetrics[]>;
  /**
   * Stored daily metrics rows of every day from `from` to `to` of the listed customers, sorted by
   * day, then as `dailyMetrics` (each day's rows equal `dailyMetrics` of that day): one read of the
   * runs instead of one per day, for a customer's trend.
   */
  dailyMetricsRange(
    partnerId: string,
    from: string,
    to: string,
    customerIds: readonly string[],
  ): Promise<ProductDayMetrics[]>;
  /**
   * The partner's per-customer sums (metrics/sum-runs.ts) in runs overlapping the days `from` …
   * `to`: the ALL cells (products as a whole) or the workload cells.
   */
  sumRuns(partnerId: string, from: string, to: string, workloads: SumWorkloads): Promise<SumRunColumns>;
  /** The partner's metric runs overlapping `from` … `to` (ALL or workload rows; of one product, or all). */
  metricRunColumns(
    partnerId: string,
    from: string,
    to: string,
    workloads: SumWorkloads,
    productId: string | null,
  ): Promise<MetricRunColumns>;
  /**
   * The rows `dailyMetrics` reads, in the same order (customer, product, workload), in chunks of at
   * most `chunkRows`, so a read of any size holds one chunk in memory (exports, big pages). All
   * chunks read the unit's one snapshot; other reads of the same unit may run between two chunks.
   * Iterate it inside the unit that asked for it. On the store itself, the iteration is a read unit
   * of its own, open until the iteration ends (or is left: `break`, `return`, a throw).
   */
  dailyMetricsChunks(
    partnerId: string,
    day: string,
    options?: DailyMetricsChunksOptions,
  ): AsyncIterable<ProductDayMetrics[]>;
  /** The engine's input for the partner's customers (all, or the listed ones), facts from a day on. */
  loadMetricData(
    partnerId: string,
    customerIds: readonly string[] | null,
    factsFrom: string,
    y?: Yield,
  ): Promise<CustomerMetricData[]>;
  /** Support requests per customer and scope over rolling 28 days, for each day of a range. */
  supportCounts(
    partnerId: string,
    from: string,
    to: string,
    customerIds?: readonly string[],
  ): Promise<SupportCount[]>;
  /** Active users per customer (any workload, and per workload) over rolling 28 days, per day. */
  activeUserCounts(
    partnerId: string,
    from: string,
    to: string,
    customerIds?: readonly string[],
  ): Promise<ActiveUserCount[]>;
  subscriptionsOn(
    partnerId: string,
    day: string,
    customerIds?: readonly string[],
  ): Promise<SubscriptionState[]>;
  recommendationSettings(partnerId: string): Promise<StoredSettings | null>;
  exclusions(partnerId: string): Promise<Exclusion[]>;
  /**
   * The newest audit records first, optionally of some actions only, and without the records about
   * customers not listed in `customerIds` (a record is about a customer when its details name one).
   */
  auditLog(
    partnerId: string,
    actions: readonly string[] | null,
    limit: number,
    customerIds?: readonly string[],
    filter?: AuditFilter,
  ): Promise<AuditRecord[]>;
  /** Invariants the schema cannot enforce by itself; an empty list means all hold. */
  verifyIntegrity(): Promise<{ readonly check: string; readonly violations: number }[]>;
  /**
   * Every row of a table, each as one JSON object text keyed by column (dates and instants as
   * text, lists as arrays, JSON columns as JSON), in batches of at most `batchRows`: the
   * engine-neutral form in which a whole store is copied to another engine (migrate-store).
   */
  tableRows(table: StoreTable, batchRows?: number): AsyncIterable<string[]>;
  /** Rows of every table (a copy's first check: migrate-store). */
  tableCounts(): Promise<Record<StoreTable, number>>;
}

/** What can be written in one unit of work (with reads that see its own writes). */
export interface StoreWriter extends StoreReader {
  audit(entry: AuditEntry): Promise<void>;
  writeDailyMetrics(partnerId: string, write: DailyMetricsWrite, y?: Yield): Promise<void>;
  /**
   * Publishes a split compute's staged runs and sums in this unit (the job's coordinator's, which
   * holds the partner's lock from before the parts read until this commits): the written
   * customers' metrics replaced as `writeDailyMetrics` replaces them, dirty marks and computed
   * range as it leaves them, and the job's staging rows deleted — visible all together at commit.
   * Refuses a job some part of which has not staged ('internal').
   */
  publishStagedMetrics(partnerId: string, jobId: string, publish: MetricsPublish, y?: Yield): Promise<void>;
  /** Marks every customer of the partner out of date from a day on (before a full recompute). */
  markAllMetricsDirty(partnerId: string, fromDay: string): Promise<void>;
  /** Saves the settings (null: back to defaults) and audits the change. */
  saveRecommendationSettings(
    partnerId: string,
    settings: RecommendationSettings | null,
    actor: string,
    change: Readonly<Record<string, unknown>>,
  ): Promise<void>;
  /** Adds or re-words an exclusion (audited); returns the previous reason, if any. */
  addExclusion(partnerId: string, exclusion: ExclusionInput, actor: string): Promise<string | null>;
  /** Removes an exclusion (audited); false when there was none. */
  removeExclusion(partnerId: string, customerId: string, productId: string, actor: string): Promise<boolean>;
}

/**
 * Sum runs as typed columns: `customer` indexes `customerIds`, `cell` the cell (sum-runs.ts),
 * `first` and `last` day numbers, `values` F sums per run (run i at i · F).
 */
export interface SumRunColumns {
  readonly customerIds: readonly string[];
  readonly count: number;
  readonly customer: Int32Array;
  readonly cell: Uint8Array;
  readonly first: Int32Array;
  readonly last: Int32Array;
  readonly values: Int32Array;
}

/** Which workload cells to read: the products as a whole (ALL), or each workload. */
export type SumWorkloads = 'ALL' | 'each';

/**
 * Metric runs as typed columns: `customer` and `product` index the two id lists, `workload` is 0
 * for ALL else 1 + index in WORKLOAD_CODES, `first`/`last` day numbers, `values` the 9 stored
 * values per run (sold, sold_own, assigned, active, rotation, unlicensed, trial_capacity,
 * noncounted_capacity, usage_state) at i · 9.
 */
export interface MetricRunColumns {
  readonly customerIds: readonly string[];
  readonly productIds: readonly string[];
  readonly count: number;
  readonly customer: Int32Array;
  readonly product: Int32Array;
  readonly workload: Uint8Array;
  readonly first: Int32Array;
  readonly last: Int32Array;
  readonly values: Int32Array;
}

/**
 * Every table a store holds, in the order a copy writes them (migrate-store): the same tables,
 * columns and keys in every engine (each engine's migrations say how it stores them).
 */
export const STORE_TABLES = [
  'partners',
  'customers',
  'products',
  'users',
  'license_assignments',
  'subscription_snapshots',
  'activity',
  'support_requests',
  'source_coverage',
  'customer_flags',
  'measured_sources',
  'audit_log',
  'recommendation_settings',
  'recommendation_exclusions',
  'metrics_dirty',
  'metrics_state',
  'metric_runs',
  'customer_sums',
] as const;
export type StoreTable = (typeof STORE_TABLES)[number];

/** Rows of a table a copy reads at once unless asked otherwise. */
export const TABLE_ROWS_BATCH = 50_000;

/** Lets other work run on the event loop between slices of a long job (jobs/yielder.ts). */
export interface Yield {
  slice(): Promise<void>;
}

/** Options of a write unit. */
export interface WriteOptions {
  /** Cancels the unit: it rolls back and the store stays as before. */
  readonly signal?: AbortSignal;
}

/**
 * The store. Work happens in units: `read(q => …)` runs on one snapshot, concurrently with other
 * reads and with a writer; `write(partner, tx => …)` runs in one transaction, writers one at a time
 * (they queue), and commits all or nothing — a failure, a cancel or a kill leaves the store as
 * before. An import is a write unit too (`openImport` … `commit`/`rollback`). The reader and writer
 * methods on the store itself are conveniences: each call is a unit of its own.
 */
export interface Store extends StoreWriter {
  readonly engine: 'duckdb' | 'postgres';
  readonly location: string;
  read<T>(work: (q: StoreReader) => Promise<T>): Promise<T>;
  write<T>(partnerId: string, work: (tx: StoreWriter) => Promise<T>, options?: WriteOptions): Promise<T>;
  /**
   * Opens a split compute job (`computeMetrics` with `parts`): its spec and each part's customers,
   * committed at once, so workers of every process on the store can claim its parts. Called by
   * the job's coordinator inside its write unit (which holds the partner's lock until it
   * publishes). Engines with one writer process refuse ('usage.invalid_argument').
   */
  openComputeJob(
    partnerId: string,
    jobId: string,
    spec: ComputeJobSpec,
    shares: readonly (readonly string[])[],
  ): Promise<void>;
  /**
   * Claims an open part — of one job, or (`job` null: a worker joining) of any live job of any
   * partner — and runs `work` on it in a unit of its own: its own connection and snapshot, the
   * part's staged rows committed with the part marked staged when `work` ends (rolled back, the
   * part open again, if it fails, `signal` cancels it or the process dies: the claim is the
   * unit's lock on the part). `work` returns the metric rows it computed (kept with the part for
   * the job's report). Null when no part is open.
   */
  stageComputePart(
    job: { readonly partnerId: string; readonly jobId: string } | null,
    work: (unit: StagingUnit, part: ClaimedPart) => Promise<number>,
    options?: WriteOptions,
  ): Promise<ClaimedPart | null>;
  /** Waits until no worker holds a part of the job (claimed parts staged or given back). */
  awaitComputeParts(partnerId: string, jobId: string, options?: WriteOptions): Promise<ComputePartsState>;
  /**
   * Deletes a split compute job and whatever it staged (it failed or was cancelled), in a unit
   * of its own; waits for workers still running one of its parts.
   */
  discardStagedMetrics(partnerId: string, jobId: string): Promise<void>;
  /** Opens an import for a partner: a write unit until its commit or rollback (writers queue). */
  openImport(partnerId: string): Promise<ImportSession>;
  /**
   * Write units committed through this store object since it was opened: a reader's cache of
   * derived data is current while the count is unchanged (one process owns the embedded store).
   */
  commitCount(): number;
  /** Percentage done of the writer's running statement, or -1 (for progress bars). */
  progress(): number;
  /** Interrupts the writer's running statement (its unit then rolls back). */
  interrupt(): void;
  /**
   * Limits the threads the database works with, for every connection at once (`null`: back to the
   * store's own setting); returns the number now in effect. A server lowers it while a job runs so
   * a core stays free for requests: DuckDB's thread setting belongs to the database instance, not
   * to a connection, so a writer's big scan would otherwise take every core from the readers.
   * Never raises it above the store's own setting.
   */
  limitThreads(threads: number | null): Promise<number>;
  /**
   * Copies a whole store into this one, which must hold no data ('conflict' otherwise), in one
   * write unit: each table's rows as `StoreReader.tableRows` gives them. Returns rows per table.
   */
  load(rows: (table: StoreTable) => AsyncIterable<readonly string[]>): Promise<Record<StoreTable, number>>;
  /**
   * Registers a running server in a shared store, so CLI commands and the other instances find it
   * (its public URL for sign-in links); `beat` keeps it current, `remove` ends it. Null on the
   * embedded store, whose one server leaves server.json in the store's directory instead.
   */
  registerServer(server: ServerInfo): Promise<ServerRegistration | null>;
  /** The servers registered and seen within SERVER_SEEN_SECONDS, the latest started first. */
  servers(): Promise<RegisteredServer[]>;
  close(): Promise<void>;
}

/** What a server says of itself when it registers. */
export interface ServerInfo {
  readonly publicUrl: string;
  readonly host: string;
  readonly pid: number;
  readonly version: string;
}

export interface RegisteredServer extends ServerInfo {
  readonly serverId: string;
  readonly startedAt: string;
  readonly seenAt: string;
}

export interface ServerRegistration {
  readonly serverId: string;
  /** Refreshes the registration (a server does it every SERVER_BEAT_SECONDS). */
  beat(): Promise<void>;
  remove(): Promise<void>;
}

/** How often a registered server refreshes itself, and after how long without it it counts as gone. */
export const SERVER_BEAT_SECONDS = 30;
export const SERVER_SEEN_SECONDS = 120;
