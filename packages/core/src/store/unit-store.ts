/**
 * What every engine's store has in common: the conveniences of the `Store` interface, each one
 * read or write unit of its own, written once in terms of the engine's units of work. An engine
 * (the embedded DuckDB store, the PostgreSQL store) extends this class and brings `read`,
 * `readEach`, `write`, imports, loading and its own controls; the conveniences cannot drift apart
 * between engines.
 */
import type {
  CanonicalEntity,
  CatalogProduct,
  Exclusion,
  ExclusionInput,
  ProductDayMetrics,
  RecommendationSettings,
  StoreStatus,
} from '@license-insights/contracts';
import type { CustomerCandidate } from '../customers/resolve-customer';
import type { MeasuredSources } from '../metrics/measured';
import type {
  ActiveUserCount,
  AuditEntry,
  AuditFilter,
  AuditRecord,
  ClaimedPart,
  ComputeJobSpec,
  ComputePartsState,
  CustomerMetricData,
  CustomerRecord,
  DailyMetricsChunksOptions,
  DailyMetricsWrite,
  DataTrust,
  ImportSession,
  InactiveScope,
  InactiveUser,
  MetricRunColumns,
  MetricsPlan,
  MetricsPublish,
  RegisteredServer,
  ServerInfo,
  ServerRegistration,
  StagingUnit,
  Store,
  StoredSettings,
  StoreReader,
  StoreTable,
  StoreWriter,
  SubscriptionState,
  SumRunColumns,
  SumWorkloads,
  SupportCount,
  WriteOptions,
} from './store';

export abstract class UnitStore implements Store {
  abstract readonly engine: Store['engine'];
  abstract readonly location: string;
  abstract read<T>(work: (q: StoreReader) => Promise<T>): Promise<T>;
  /**
   * A read unit that lasts as long as an iteration: the snapshot opens at the first step and ends
   * when the iteration ends or is left (`break`, `return`, a throw).
   */
  protected abstract readEach<T>(work: (q: StoreReader) => AsyncIterable<T>): AsyncIterable<T>;
  abstract write<T>(
    partnerId: string,
    work: (tx: StoreWriter) => Promise<T>,
    options?: WriteOptions,
  ): Promise<T>;
  abstract openImport(partnerId: string): Promise<ImportSession>;
  abstract openComputeJob(
    partnerId: string,
    jobId: string,
    spec: ComputeJobSpec,
    shares: readonly (readonly string[])[],
  ): Promise<void>;
  abstract stageComputePart(
    job: { readonly partnerId: string; readonly jobId: string } | null,
    work: (unit: StagingUnit, part: ClaimedPart) => Promise<number>,
    options?: WriteOptions,
  ): Promise<ClaimedPart | null>;
  abstract awaitComputeParts(
    partnerId: string,
    jobId: string,
    options?: WriteOptions,
  ): Promise<ComputePartsState>;
  abstract discardStagedMetrics(partnerId: string, jobId: string): Promise<void>;
  abstract commitCount(): number;
  abstract progress(): number;
  abstract interrupt(): void;
  abstract limitThreads(threads: number | null): Promise<number>;
  abstract load(
    rows: (table: StoreTable) => AsyncIterable<readonly string[]>,
  ): Promise<Record<StoreTable, number>>;
  abstract registerServer(server: ServerInfo): Promise<ServerRegistration | null>;
  abstract servers(): Promise<RegisteredServer[]>;
  abstract close(): Promise<void>;

  // Conveniences: each call is a unit of its own.
  schemaVersion(): Promise<number> {
    return this.read((q) => q.schemaVersion());
  }
  dataVersion(): Promise<string> {
    return this.read((q) => q.dataVersion());
  }
  partnerIds(): Promise<string[]> {
    return this.read((q) => q.partnerIds());
  }
  status(partnerId?: string, customerIds?: readonly string[]): Promise<StoreStatus> {
    return this.read((q) => q.status(partnerId, customerIds));
  }
  dumpCanonical(partnerId: string, entity: CanonicalEntity): Promise<Record<string, string>[]> {
    return this.read((q) => q.dumpCanonical(partnerId, entity));
  }
  partnerProducts(partnerId: string): Promise<CatalogProduct[]> {
    return this.read((q) => q.partnerProducts(partnerId));
  }
  metricsPlan(partnerId: string): Promise<MetricsPlan> {
    return this.read((q) => q.metricsPlan(partnerId));
  }
  customerIds(partnerId: string): Promise<string[]> {
    return this.read((q) => q.customerIds(partnerId));
  }
  customers(partnerId: string): Promise<CustomerRecord[]> {
    return this.read((q) => q.customers(partnerId));
  }
  customerCandidates(partnerId: string, userDomain: string | null): Promise<CustomerCandidate[]> {
    return this.read((q) => q.customerCandidates(partnerId, userDomain));
  }
  inactiveLicensedUsers(
    partnerId: string,
    day: string,
    scopes: readonly InactiveScope[],
    minDays: number,
  ): Promise<InactiveUser[]> {
    return this.read((q) => q.inactiveLicensedUsers(partnerId, day, scopes, minDays));
  }
  inactiveLicensedCounts(
    partnerId: string,
    day: string,
    scopes: readonly InactiveScope[],
    minDays: number,
  ): Promise<{ readonly customerId: string; readonly productId: string; readonly users: number }[]> {
    return this.read((q) => q.inactiveLicensedCounts(partnerId, day, scopes, minDays));
  }
  measuredSources(partnerId: string, customerIds?: readonly string[]): Promise<Map<string, MeasuredSources>> {
    return this.read((q) => q.measuredSources(partnerId, customerIds));
  }
  dataTrust(partnerId: string, customerIds?: readonly string[]): Promise<DataTrust[]> {
    return this.read((q) => q.dataTrust(partnerId, customerIds));
  }
  dailyMetrics(
    partnerId: string,
    day: string,
    customerIds?: readonly string[],
  ): Promise<ProductDayMetrics[]> {
    return this.read((q) => q.dailyMetrics(partnerId, day, customerIds));
  }
  dailyMetricsRange(
    partnerId: string,
    from: string,
    to: string,
    customerIds: readonly string[],
  ): Promise<ProductDayMetrics[]> {
    return this.read((q) => q.dailyMetricsRange(partnerId, from, to, customerIds));
  }
  sumRuns(partnerId: string, from: string, to: string, workloads: SumWorkloads): Promise<SumRunColumns> {
    return this.read((q) => q.sumRuns(partnerId, from, to, workloads));
  }
  metricRunColumns(
    partnerId: string,
    from: string,
    to: string,
    workloads: SumWorkloads,
    productId: string | null,
  ): Promise<MetricRunColumns> {
    return this.read((q) => q.metricRunColumns(partnerId, from, to, workloads, productId));
  }
  dailyMetricsChunks(
    partnerId: string,
    day: string,
    options?: DailyMetricsChunksOptions,
  ): AsyncIterable<ProductDayMetrics[]> {
    return this.readEach((q) => q.dailyMetricsChunks(partnerId, day, options));
  }
  loadMetricData(
    partnerId: string,
    customerIds: readonly string[] | null,
    factsFrom: string,
  ): Promise<CustomerMetricData[]> {
    return this.read((q) => q.loadMetricData(partnerId, customerIds, factsFrom));
  }
  tableRows(table: StoreTable, batchRows?: number): AsyncIterable<string[]> {
    return this.readEach((q) => q.tableRows(table, batchRows));
  }
  tableCounts(): Promise<Record<StoreTable, number>> {
    return this.read((q) => q.tableCounts());
  }
  supportCounts(
    partnerId: string,
    from: string,
    to: string,
    customerIds?: readonly string[],
  ): Promise<SupportCount[]> {
    return this.read((q) => q.supportCounts(partnerId, from, to, customerIds));
  }
  activeUserCounts(
    partnerId: string,
    from: string,
    to: string,
    customerIds?: readonly string[],
  ): Promise<ActiveUserCount[]> {
    return this.read((q) => q.activeUserCounts(partnerId, from, to, customerIds));
  }
  subscriptionsOn(
    partnerId: string,
    day: string,
    customerIds?: readonly string[],
  ): Promise<SubscriptionState[]> {
    return this.read((q) => q.subscriptionsOn(partnerId, day, customerIds));
  }
  recommendationSettings(partnerId: string): Promise<StoredSettings | null> {
    return this.read((q) => q.recommendationSettings(partnerId));
  }
  exclusions(partnerId: string): Promise<Exclusion[]> {
    return this.read((q) => q.exclusions(partnerId));
  }
  auditLog(
    partnerId: string,
    actions: readonly string[] | null,
    limit: number,
    customerIds?: readonly string[],
    filter?: AuditFilter,
  ): Promise<AuditRecord[]> {
    return this.read((q) => q.auditLog(partnerId, actions, limit, customerIds, filter));
  }
  verifyIntegrity(): Promise<{ readonly check: string; readonly violations: number }[]> {
    return this.read((q) => q.verifyIntegrity());
  }
  audit(entry: AuditEntry): Promise<void> {
    return this.write(entry.partnerId, (tx) => tx.audit(entry));
  }
  writeDailyMetrics(partnerId: string, write: DailyMetricsWrite): Promise<void> {
    return this.write(partnerId, (tx) => tx.writeDailyMetrics(partnerId, write));
  }
  publishStagedMetrics(partnerId: string, jobId: string, publish: MetricsPublish): Promise<void> {
    return this.write(partnerId, (tx) => tx.publishStagedMetrics(partnerId, jobId, publish));
  }
  markAllMetricsDirty(partnerId: string, fromDay: string): Promise<void> {
    return this.write(partnerId, (tx) => tx.markAllMetricsDirty(partnerId, fromDay));
  }
  saveRecommendationSettings(
    partnerId: string,
    settings: RecommendationSettings | null,
    actor: string,
    change: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    return this.write(partnerId, (tx) => tx.saveRecommendationSettings(partnerId, settings, actor, change));
  }
  addExclusion(partnerId: string, exclusion: ExclusionInput, actor: string): Promise<string | null> {
    return this.write(partnerId, (tx) => tx.addExclusion(partnerId, exclusion, actor));
  }
  removeExclusion(partnerId: string, customerId: string, productId: string, actor: string): Promise<boolean> {
    return this.write(partnerId, (tx) => tx.removeExclusion(partnerId, customerId, productId, actor));
  }
}
