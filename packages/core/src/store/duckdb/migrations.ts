/**
 * Versioned schema migrations, applied in order on open, each in its own transaction together with
 * its row in `schema_migrations`. Never edit a released migration: add a new one.
 *
 * Invariants the schema enforces:
 * - every row carries its `partner_id` (the isolation boundary) as the first column of its key;
 * - natural keys are primary keys, so duplicates cannot enter — except on the per-user tables
 *   (users, license_assignments, subscription_snapshots, activity), whose keys are kept unique by
 *   their one writer (the import merge) and checked by `Store.verifyIntegrity()` (migration 6);
 * - closed vocabularies are CHECK constraints mirroring @license-insights/contracts.
 */
import {
  BILLING_CYCLES,
  CHANNELS,
  SERVICE_CODES,
  SUBSCRIPTION_STATUSES,
  SUPPORT_CATEGORIES,
  SUSPENSION_REASONS,
} from '@license-insights/contracts';
import { SUM_FIELDS } from '../../metrics/sums';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/** `IN (...)` list of our own constant vocabulary (never input), for CHECK constraints. */
function oneOf(values: readonly string[]): string {
  for (const v of values) if (!/^[A-Za-z0-9_]+$/.test(v)) throw new Error(`bad constant ${v}`);
  return `(${values.map((v) => `'${v}'`).join(', ')})`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: [
      `CREATE TABLE partners (
        partner_id VARCHAR PRIMARY KEY,
        created_at TIMESTAMP NOT NULL
      )`,
      `CREATE TABLE customers (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        domain VARCHAR,
        country VARCHAR,
        segment VARCHAR,
        groups VARCHAR[] NOT NULL DEFAULT [],
        PRIMARY KEY (partner_id, customer_id)
      )`,
      // The partner's own catalog rows: custom products (extensions and overrides of the shipped
      // catalog) and discovered ones (an unknown SKU kept by id and flagged, never dropped).
      `CREATE TABLE products (
        partner_id VARCHAR NOT NULL,
        product_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        service VARCHAR NOT NULL CHECK (service IN ${oneOf(SERVICE_CODES)}),
        workloads VARCHAR[] NOT NULL DEFAULT [],
        part_number VARCHAR,
        report_names VARCHAR[] NOT NULL DEFAULT [],
        open_workloads VARCHAR[] NOT NULL DEFAULT [],
        offer_ids VARCHAR[] NOT NULL DEFAULT [],
        list_price DECIMAL(14, 4),
        currency VARCHAR,
        origin VARCHAR NOT NULL CHECK (origin IN ('custom', 'discovered')),
        PRIMARY KEY (partner_id, product_id)
      )`,
      `CREATE SEQUENCE user_key_seq START 1`,
      // user_key is a compact surrogate used by the activity table, unique by construction (a
      // sequence); (partner, customer, user_id) is the natural key.
      `CREATE TABLE users (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        user_id VARCHAR NOT NULL,
        user_key INTEGER NOT NULL DEFAULT nextval('user_key_seq'),
        upn VARCHAR,
        display_name VARCHAR,
        deleted_on DATE,
        PRIMARY KEY (partner_id, customer_id, user_id)
      )`,
      `CREATE TABLE license_assignments (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        user_id VARCHAR NOT NULL,
        product_id VARCHAR NOT NULL,
        assigned_on DATE NOT NULL,
        unassigned_on DATE,
        source VARCHAR NOT NULL,
        PRIMARY KEY (partner_id, customer_id, user_id, product_id, assigned_on),
        CHECK (unassigned_on IS NULL OR unassigned_on > assigned_on)
      )`,
      `CREATE TABLE subscription_snapshots (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        subscription_id VARCHAR NOT NULL,
        as_of DATE NOT NULL,
        product_id VARCHAR NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity >= 0),
        status VARCHAR NOT NULL CHECK (status IN ${oneOf(SUBSCRIPTION_STATUSES)}),
        is_trial BOOLEAN NOT NULL,
        channel VARCHAR NOT NULL CHECK (channel IN ${oneOf(CHANNELS)}),
        suspension_reason VARCHAR CHECK (suspension_reason IN ${oneOf(SUSPENSION_REASONS)}),
        billing_cycle VARCHAR CHECK (billing_cycle IN ${oneOf(BILLING_CYCLES)}),
        term_end DATE,
        auto_renew BOOLEAN,
        source VARCHAR NOT NULL,
        PRIMARY KEY (partner_id, customer_id, subscription_id, as_of)
      )`,
      // Activity facts (user, workload, day) stored as one 31-bit day mask per user, workload and
      // month: bit d-1 set = active on day d. Merging is a bitwise OR, so importing the same facts
      // again changes nothing and overlapping files merge by construction.
      // Natural key (partner_id, user_key, workload, month): kept unique by its only writer,
      // mergeActivityAgg (OR into existing rows, insert missing keys, one import at a time), and
      // checked by the store tests. Not an index: at 100 M+ facts an ART index would cost more
      // memory and import time than the whole table (see ARCHITECTURE.md).
      `CREATE TABLE activity (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        user_key INTEGER NOT NULL,
        workload VARCHAR NOT NULL,
        month DATE NOT NULL CHECK (day(month) = 1),
        days UINTEGER NOT NULL CHECK (days > 0)
      )`,
      `CREATE TABLE support_requests (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        request_id VARCHAR NOT NULL,
        opened_on DATE NOT NULL,
        category VARCHAR NOT NULL CHECK (category IN ${oneOf(SUPPORT_CATEGORIES)}),
        product_id VARCHAR,
        workload VARCHAR,
        PRIMARY KEY (partner_id, customer_id, request_id)
      )`,
      // First and last date of data per customer, source and entity (data-trust signals).
      `CREATE TABLE source_coverage (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        first_date DATE NOT NULL,
        last_date DATE NOT NULL,
        PRIMARY KEY (partner_id, customer_id, source, entity)
      )`,
      // Data-trust flags per customer, e.g. concealed user names in Graph reports.
      `CREATE TABLE customer_flags (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        flag VARCHAR NOT NULL,
        detail VARCHAR NOT NULL,
        since DATE NOT NULL,
        PRIMARY KEY (partner_id, customer_id, flag)
      )`,
      `CREATE SEQUENCE audit_seq START 1`,
      `CREATE TABLE audit_log (
        partner_id VARCHAR NOT NULL,
        audit_id BIGINT NOT NULL DEFAULT nextval('audit_seq'),
        occurred_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL,
        details JSON NOT NULL,
        PRIMARY KEY (partner_id, audit_id)
      )`,
    ],
  },
  {
    version: 2,
    name: 'daily metrics',
    statements: [
      // One row per partner × customer × product × workload (ALL for the product) × day, written
      // by the metric engine; a customer's rows are replaced from a day on when its data changes.
      // Reason components are stored decomposed (they sum exactly to the excess).
      `CREATE TABLE daily_metrics (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        product_id VARCHAR NOT NULL,
        workload VARCHAR NOT NULL,
        day DATE NOT NULL,
        sold INTEGER NOT NULL,
        sold_own INTEGER NOT NULL,
        assigned INTEGER NOT NULL,
        active INTEGER NOT NULL,
        u_rotation INTEGER NOT NULL,
        u_unlicensed INTEGER NOT NULL,
        u_trial INTEGER NOT NULL,
        u_noncounted INTEGER NOT NULL,
        u_unexplained INTEGER NOT NULL,
        d_trial INTEGER NOT NULL,
        d_noncounted INTEGER NOT NULL,
        d_unexplained INTEGER NOT NULL
      )`,
      // Customers whose metrics are out of date, from which day on (imports write it, compute
      // clears it).
      `CREATE TABLE metrics_dirty (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        from_day DATE NOT NULL,
        PRIMARY KEY (partner_id, customer_id)
      )`,
      // The day range metrics were last computed over, per partner.
      `CREATE TABLE metrics_state (
        partner_id VARCHAR PRIMARY KEY,
        first_day DATE NOT NULL,
        last_day DATE NOT NULL,
        computed_at TIMESTAMP NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'daily metrics as runs',
    statements: [
      // The daily metrics, run-length encoded: a row holds for every day first_day … last_day
      // (metric series change on few days: a tenth of the rows, a tenth of the time to write).
      // The ingredients of the reason codes are stored; the decomposition is done on reading.
      'DROP TABLE daily_metrics',
      `CREATE TABLE metric_runs (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        product_id VARCHAR NOT NULL,
        workload VARCHAR NOT NULL,
        first_day DATE NOT NULL,
        last_day DATE NOT NULL,
        sold INTEGER NOT NULL,
        sold_own INTEGER NOT NULL,
        assigned INTEGER NOT NULL,
        active INTEGER NOT NULL,
        rotation INTEGER NOT NULL,
        unlicensed INTEGER NOT NULL,
        trial_capacity INTEGER NOT NULL,
        noncounted_capacity INTEGER NOT NULL,
        CHECK (first_day <= last_day)
      )`,
    ],
  },
  {
    version: 4,
    name: 'user key on license assignments',
    statements: [
      // The metric engine reads assignments by user_key: no join of 10⁶ rows on text keys.
      'ALTER TABLE license_assignments ADD COLUMN user_key INTEGER',
      `UPDATE license_assignments a SET user_key = u.user_key FROM users u
        WHERE u.partner_id = a.partner_id AND u.customer_id = a.customer_id AND u.user_id = a.user_id`,
    ],
  },
  {
    version: 5,
    name: 'recommendation settings and exclusions',
    statements: [
      // The partner's thresholds (the whole validated settings object; absent = defaults).
      `CREATE TABLE recommendation_settings (
        partner_id VARCHAR PRIMARY KEY,
        settings JSON NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        updated_by VARCHAR NOT NULL
      )`,
      // Customer × product whose cards are silenced (product '*': every product of the customer).
      // The products stay in every report; who and when is kept here and in the audit log.
      `CREATE TABLE recommendation_exclusions (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        product_id VARCHAR NOT NULL,
        reason VARCHAR NOT NULL CHECK (length(trim(reason)) > 0),
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        PRIMARY KEY (partner_id, customer_id, product_id)
      )`,
    ],
  },
  {
    version: 6,
    name: 'per-user tables without primary-key indexes',
    statements: [
      // An ART index over millions of text keys cost more than the rows themselves: a 1 M-user
      // report spent 1.2 s inserting into it and 1 s checkpointing it, at 10 M it did not fit in
      // memory. The natural keys stay unique by their one writer (the import merge: update the
      // rows whose key is stored, insert the others; a file's keys are validated unique) and are
      // checked by Store.verifyIntegrity(). DuckDB cannot drop a primary key: the tables are rebuilt.
      `CREATE TABLE users_v6 (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        user_id VARCHAR NOT NULL,
        user_key INTEGER NOT NULL DEFAULT nextval('user_key_seq'),
        upn VARCHAR,
        display_name VARCHAR,
        deleted_on DATE
      )`,
      `INSERT INTO users_v6 SELECT partner_id, customer_id, user_id, user_key, upn, display_name, deleted_on FROM users`,
      'DROP TABLE users',
      'ALTER TABLE users_v6 RENAME TO users',
      `CREATE TABLE license_assignments_v6 (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        user_id VARCHAR NOT NULL,
        product_id VARCHAR NOT NULL,
        assigned_on DATE NOT NULL,
        unassigned_on DATE,
        source VARCHAR NOT NULL,
        user_key INTEGER,
        CHECK (unassigned_on IS NULL OR unassigned_on > assigned_on)
      )`,
      `INSERT INTO license_assignments_v6
        SELECT partner_id, customer_id, user_id, product_id, assigned_on, unassigned_on, source, user_key FROM license_assignments`,
      'DROP TABLE license_assignments',
      'ALTER TABLE license_assignments_v6 RENAME TO license_assignments',
      `CREATE TABLE subscription_snapshots_v6 (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        subscription_id VARCHAR NOT NULL,
        as_of DATE NOT NULL,
        product_id VARCHAR NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity >= 0),
        status VARCHAR NOT NULL CHECK (status IN ${oneOf(SUBSCRIPTION_STATUSES)}),
        is_trial BOOLEAN NOT NULL,
        channel VARCHAR NOT NULL CHECK (channel IN ${oneOf(CHANNELS)}),
        suspension_reason VARCHAR CHECK (suspension_reason IN ${oneOf(SUSPENSION_REASONS)}),
        billing_cycle VARCHAR CHECK (billing_cycle IN ${oneOf(BILLING_CYCLES)}),
        term_end DATE,
        auto_renew BOOLEAN,
        source VARCHAR NOT NULL
      )`,
      `INSERT INTO subscription_snapshots_v6
        SELECT partner_id, customer_id, subscription_id, as_of, product_id, quantity, status, is_trial, channel,
               suspension_reason, billing_cycle, term_end, auto_renew, source FROM subscription_snapshots`,
      'DROP TABLE subscription_snapshots',
      'ALTER TABLE subscription_snapshots_v6 RENAME TO subscription_snapshots',
    ],
  },
  {
    version: 7,
    name: 'measured workloads and the usage state of metric runs',
    statements: [
      // What the data can tell (SPEC §2.3): per customer and workload, the activity sources that
      // measure it. A canonical activity import measures from its first fact date on (from_day);
      // a Graph active-user report of 28+ days measures on its refresh date only (from_day), with
      // data back over period_days. Written by imports in the transaction of their data.
      `CREATE TABLE measured_sources (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        workload VARCHAR NOT NULL,
        source VARCHAR NOT NULL CHECK (source IN ('canonical', 'graph')),
        from_day DATE NOT NULL,
        period_days INTEGER CHECK (period_days IS NULL OR period_days >= 28),
        PRIMARY KEY (partner_id, customer_id, workload, source, from_day)
      )`,
      // Stores older than this migration did not record their imports: what they hold is taken
      // as one canonical import per customer from its first canonical activity day (for the
      // workloads it has facts of), and each Graph-fed customer's latest report as a D30 one.
      `INSERT INTO measured_sources
        SELECT DISTINCT c.partner_id, c.customer_id, a.workload, 'canonical', c.first_date, NULL::INTEGER
        FROM source_coverage c JOIN (SELECT DISTINCT partner_id, customer_id, workload FROM activity) a
          ON a.partner_id = c.partner_id AND a.customer_id = c.customer_id
        WHERE c.source = 'canonical' AND c.entity = 'activity'`,
      `INSERT INTO measured_sources
        SELECT c.partner_id, c.customer_id, w.workload, 'graph', c.last_date, 30
        FROM source_coverage c, (SELECT unnest(['EXO', 'SPO', 'SFB', 'YAM', 'TEAMS']) AS workload) w
        WHERE c.source = 'graph_active_users' AND c.entity = 'users'`,
      // Metric runs gain the usage state (0 not known, 1 known, 2 partial window); every metric is
      // computed anew (the next compute is a full one).
      'DROP TABLE metric_runs',
      `CREATE TABLE metric_runs (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        product_id VARCHAR NOT NULL,
        workload VARCHAR NOT NULL,
        first_day DATE NOT NULL,
        last_day DATE NOT NULL,
        sold INTEGER NOT NULL,
        sold_own INTEGER NOT NULL,
        assigned INTEGER NOT NULL,
        active INTEGER NOT NULL,
        rotation INTEGER NOT NULL,
        unlicensed INTEGER NOT NULL,
        trial_capacity INTEGER NOT NULL,
        noncounted_capacity INTEGER NOT NULL,
        usage_state UTINYINT NOT NULL CHECK (usage_state IN (0, 1, 2)),
        CHECK (first_day <= last_day)
      )`,
      'DELETE FROM metrics_state',
      'DELETE FROM metrics_dirty',
    ],
  },
  {
    version: 8,
    name: 'per-customer sums of the metrics rows',
    statements: [
      // Per customer and day (run-length encoded like metric_runs), the sums the portfolio views
      // need (metrics/sums.ts) in each cell of a partition of the customer's metrics rows: the
      // channel side (own: the product sold by the partner itself that day, sold_own > 0) ×
      // service × workload (ALL or one). A view adds cells: all = both sides, service * = every
      // service. Written by the compute with the metric runs, in the same transaction; a cell has
      // runs only on days it has rows (metric_rows > 0).
      `CREATE TABLE customer_sums (
        partner_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        own BOOLEAN NOT NULL,
        service VARCHAR NOT NULL CHECK (service IN ${oneOf(SERVICE_CODES)}),
        workload VARCHAR NOT NULL,
        first_day DATE NOT NULL,
        last_day DATE NOT NULL,
        ${SUM_FIELDS.map((f) => `${f} INTEGER NOT NULL`).join(', ')},
        CHECK (first_day <= last_day),
        CHECK (metric_rows > 0)
      )`,
      // Metrics computed before this migration have no sums: every customer is out of date from
      // the first computed day (the stale signal of every report says so), and the next compute
      // — an incremental one over every customer — writes the sums with the metrics.
      `INSERT INTO metrics_dirty (partner_id, customer_id, from_day)
        SELECT c.partner_id, c.customer_id, s.first_day
        FROM customers c JOIN metrics_state s ON s.partner_id = c.partner_id
        ON CONFLICT (partner_id, customer_id) DO UPDATE SET from_day = least(metrics_dirty.from_day, excluded.from_day)`,
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((m, x) => Math.max(m, x.version), 0);
