/** What `insights status` (and later the API's status route) reports about the store. */
import type { DataSource, IsoDate } from './codes';

export interface SourceCoverage {
  readonly source: DataSource;
  /** Entity the dates are of: activity days, subscription snapshots, license assignments… */
  readonly entity: 'activity' | 'subscriptions' | 'license_assignments' | 'support_requests' | 'users';
  readonly customers: number;
  readonly firstDate: IsoDate | null;
  readonly lastDate: IsoDate | null;
}

export interface StatusWarning {
  readonly code: string;
  readonly customerId?: string;
  readonly message: string;
}

export interface ImportLogEntry {
  readonly importId: string;
  readonly startedAt: string;
  readonly actor: string;
  readonly mode: 'all_or_nothing' | 'partial';
  readonly files: readonly string[];
  readonly rowsRead: number;
  readonly rowsRejected: number;
  readonly outcome: 'committed' | 'rejected' | 'unchanged' | 'partial';
}

export interface PartnerStatus {
  readonly partnerId: string;
  readonly customers: number;
  readonly users: number;
  readonly products: { readonly catalog: number; readonly custom: number; readonly unknown: number };
  readonly subscriptions: number;
  readonly licenseAssignments: number;
  /** Number of (user, workload, day) activity facts. */
  readonly activityFacts: number;
  readonly supportRequests: number;
  readonly coverage: readonly SourceCoverage[];
  readonly warnings: readonly StatusWarning[];
  readonly recentImports: readonly ImportLogEntry[];
  /** Days daily metrics were computed for, and how many customers changed since (null: never computed). */
  readonly metrics: {
    readonly firstDay: string;
    readonly lastDay: string;
    readonly outOfDate: number;
  } | null;
}

export interface StoreStatus {
  readonly store: string;
  readonly engine: 'duckdb' | 'postgres';
  readonly schemaVersion: number;
  readonly partners: readonly PartnerStatus[];
}
