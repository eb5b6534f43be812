/**
 * The PostgreSQL store's own schema migrations, applied in order on open (under an advisory lock,
 * so several app instances starting together migrate once), each in one transaction with its row
 * in `schema_migrations`. Never edit a released migration: add a new one.
 *
 * The schema holds what the embedded store holds (store/duckdb/migrations.ts, at its version 8),
 * shaped for a shared server and for Citus:
 * - every table's key starts with `partner_id`; every per-customer table's key holds
 *   `customer_id`, the column Citus distributes the large tables by (docs/scale-out.md), so a
 *   customer's rows of every table live on one shard group;
 * - natural keys are primary keys on every table (PostgreSQL keeps them cheaply, unlike the
 *   embedded store's per-user tables);
 * - closed vocabularies are CHECK constraints mirroring @license-insights/contracts;
 * - dates are DATE, instants TIMESTAMP (UTC), lists text[], JSON documents JSONB.
 */
import {
  BILLING_CYCLES,
  CHANNELS,
  SERVICE_CODES,
  SUBSCRIPTION_STATUSES,
  SUPPORT_CATEGORIES,
  SUSPENSION_REASONS,
} from '@license-insights/contracts';
import { SUM_FIELDS } from '@license-insights/core/sums';

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
    name: 'initial schema (the embedded store at version 8)',
    statements: [
      `CREATE TABLE partners (
        partner_id text PRIMARY KEY,
        created_at timestamp NOT NULL
      )`,
      `CREATE TABLE customers (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        name text NOT NULL,
        domain text,
        country text,
        segment text,
        groups text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (partner_id, customer_id)
      )`,
      `CREATE TABLE products (
        partner_id text NOT NULL,
        product_id text NOT NULL,
        name text NOT NULL,
        service text NOT NULL CHECK (service IN ${oneOf(SERVICE_CODES)}),
        workloads text[] NOT NULL DEFAULT '{}',
        part_number text,
        report_names text[] NOT NULL DEFAULT '{}',
        open_workloads text[] NOT NULL DEFAULT '{}',
        offer_ids text[] NOT NULL DEFAULT '{}',
        list_price numeric(14, 4),
        currency text,
        origin text NOT NULL CHECK (origin IN ('custom', 'discovered')),
        PRIMARY KEY (partner_id, product_id)
      )`,
      `CREATE SEQUENCE user_key_seq START 1`,
      `CREATE TABLE users (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        user_id text NOT NULL,
        user_key integer NOT NULL DEFAULT nextval('user_key_seq'),
        upn text,
        display_name text,
        deleted_on date,
        PRIMARY KEY (partner_id, customer_id, user_id)
      )`,
      `CREATE TABLE license_assignments (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        user_id text NOT NULL,
        product_id text NOT NULL,
        assigned_on date NOT NULL,
        unassigned_on date,
        source text NOT NULL,
        user_key integer,
        PRIMARY KEY (partner_id, customer_id, user_id, product_id, assigned_on),
        CHECK (unassigned_on IS NULL OR unassigned_on > assigned_on)
      )`,
      `CREATE TABLE subscription_snapshots (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        subscription_id text NOT NULL,
        as_of date NOT NULL,
        product_id text NOT NULL,
        quantity integer NOT NULL CHECK (quantity >= 0),
        status text NOT NULL CHECK (status IN ${oneOf(SUBSCRIPTION_STATUSES)}),
        is_trial boolean NOT NULL,
        channel text NOT NULL CHECK (channel IN ${oneOf(CHANNELS)}),
        suspension_reason text CHECK (suspension_reason IN ${oneOf(SUSPENSION_REASONS)}),
        billing_cycle text CHECK (billing_cycle IN ${oneOf(BILLING_CYCLES)}),
        term_end date,
        auto_renew boolean,
        source text NOT NULL,
        PRIMARY KEY (partner_id, customer_id, subscription_id, as_of)
      )`,
      // Day masks: bit d-1 set when the user was active on day d of the month (31 bits fit).
      `CREATE TABLE activity (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        user_key integer NOT NULL,
        workload text NOT NULL,
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        days integer NOT NULL CHECK (days <> 0),
        PRIMARY KEY (partner_id, customer_id, user_key, workload, month)
      )`,
      `CREATE TABLE support_requests (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        request_id text NOT NULL,
        opened_on date NOT NULL,
        category text NOT NULL CHECK (category IN ${oneOf(SUPPORT_CATEGORIES)}),
        product_id text,
        workload text,
        PRIMARY KEY (partner_id, customer_id, request_id)
      )`,
      `CREATE TABLE source_coverage (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        source text NOT NULL,
        entity text NOT NULL,
        first_date date NOT NULL,
        last_date date NOT NULL,
        PRIMARY KEY (partner_id, customer_id, source, entity)
      )`,
      `CREATE TABLE customer_flags (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        flag text NOT NULL,
        detail text NOT NULL,
        since date NOT NULL,
        PRIMARY KEY (partner_id, customer_id, flag)
      )`,
      `CREATE SEQUENCE audit_seq START 1`,
      `CREATE TABLE audit_log (
        partner_id text NOT NULL,
        audit_id bigint NOT NULL DEFAULT nextval('audit_seq'),
        occurred_at timestamp NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        outcome text NOT NULL,
        details jsonb NOT NULL,
        PRIMARY KEY (partner_id, audit_id)
      )`,
      `CREATE TABLE metrics_dirty (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        from_day date NOT NULL,
        PRIMARY KEY (partner_id, customer_id)
      )`,
      `CREATE TABLE metrics_state (
        partner_id text PRIMARY KEY,
        first_day date NOT NULL,
        last_day date NOT NULL,
        computed_at timestamp NOT NULL
      )`,
      `CREATE TABLE recommendation_settings (
        partner_id text PRIMARY KEY,
        settings jsonb NOT NULL,
        updated_at timestamp NOT NULL,
        updated_by text NOT NULL
      )`,
      `CREATE TABLE recommendation_exclusions (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        product_id text NOT NULL,
        reason text NOT NULL CHECK (length(trim(reason)) > 0),
        created_at timestamp NOT NULL,
        created_by text NOT NULL,
        PRIMARY KEY (partner_id, customer_id, product_id)
      )`,
      `CREATE TABLE measured_sources (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        workload text NOT NULL,
        source text NOT NULL CHECK (source IN ('canonical', 'graph')),
        from_day date NOT NULL,
        period_days integer CHECK (period_days IS NULL OR period_days >= 28),
        PRIMARY KEY (partner_id, customer_id, workload, source, from_day)
      )`,
      `CREATE TABLE metric_runs (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        product_id text NOT NULL,
        workload text NOT NULL,
        first_day date NOT NULL,
        last_day date NOT NULL,
        sold integer NOT NULL,
        sold_own integer NOT NULL,
        assigned integer NOT NULL,
        active integer NOT NULL,
        rotation integer NOT NULL,
        unlicensed integer NOT NULL,
        trial_capacity integer NOT NULL,
        noncounted_capacity integer NOT NULL,
        usage_state smallint NOT NULL CHECK (usage_state IN (0, 1, 2)),
        PRIMARY KEY (partner_id, customer_id, product_id, workload, first_day),
        CHECK (first_day <= last_day)
      )`,
      `CREATE TABLE customer_sums (
        partner_id text NOT NULL,
        customer_id text NOT NULL,
        own boolean NOT NULL,
        service text NOT NULL CHECK (service IN ${oneOf(SERVICE_CODES)}),
        workload text NOT NULL,
        first_day date NOT NULL,
        last_day date NOT NULL,
        ${SUM_FIELDS.map((f) => `${f} integer NOT NULL`).join(', ')},
        PRIMARY KEY (partner_id, customer_id, own, service, workload, first_day),
        CHECK (first_day <= last_day),
        CHECK (metric_rows > 0)
      )`,
    ],
  },
  {
    version: 2,
    name: 'app servers registered in the store',
    statements: [
      // The servers serving this store now (several app instances on one database): each adds
      // itself on start, refreshes seen_at while it runs and removes itself on stop; a row not
      // seen for a while is a server that died. CLI commands find a server's public URL here.
      // Small and never joined with partner data: a plain table (on Citus, the coordinator's).
      `CREATE TABLE app_servers (
        server_id text PRIMARY KEY,
        public_url text NOT NULL,
        host text NOT NULL,
        pid integer NOT NULL,
        version text NOT NULL,
        started_at timestamp NOT NULL,
        seen_at timestamp NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'staging of split metric computes',
    // A compute split into parts (core use-cases/compute-metrics.ts) is a job: its spec and its
    // parts (each part's customers) are committed first, so workers of every process can claim
    // a part; each part's runs and sums are staged under the job's id in the part's own committed
    // transaction (a claimed part is the row its transaction locks: a worker that dies gives the
    // part back by its rollback); the job's coordinator moves them into metric_runs and
    // customer_sums in one publishing transaction and deletes the job. Readers never read these
    // tables. They are UNLOGGED: a staged row lives for one job, whose coordinator's transaction
    // a server crash ends anyway, so writing it to the WAL (and to standbys) twice — staged, then
    // published — would only cost. Keys: partner, job, then customer (Citus distributes the
    // staged rows by customer_id like the live tables, so the publish's moves are co-located) and
    // the live table's key; jobs and parts are small, keyed by partner and job.
    statements: [
      `CREATE UNLOGGED TABLE compute_jobs (
        partner_id text NOT NULL,
        job_id text NOT NULL,
        parts integer NOT NULL CHECK (parts >= 1),
        spec jsonb NOT NULL,
        created_at timestamp NOT NULL,
        PRIMARY KEY (partner_id, job_id)
      )`,
      `CREATE UNLOGGED TABLE compute_parts (
        partner_id text NOT NULL,
        job_id text NOT NULL,
        part integer NOT NULL CHECK (part >= 0),
        customers text[] NOT NULL,
        state text NOT NULL CHECK (state IN ('open', 'staged')),
        metric_rows bigint,
        staged_at timestamp,
        PRIMARY KEY (partner_id, job_id, part)
      )`,
      `CREATE UNLOGGED TABLE compute_staged_customers (
        partner_id text NOT NULL,
        job_id text NOT NULL,
        customer_id text NOT NULL,
        part integer NOT NULL,
        PRIMARY KEY (partner_id, job_id, customer_id)
      )`,
      `CREATE UNLOGGED TABLE metric_runs_staged (
        partner_id text NOT NULL,
        job_id text NOT NULL,
        customer_id text NOT NULL,
        product_id text NOT NULL,
        workload text NOT NULL,
        first_day date NOT NULL,
        last_day date NOT NULL,
        sold integer NOT NULL,
        sold_own integer NOT NULL,
        assigned integer NOT NULL,
        active integer NOT NULL,
        rotation integer NOT NULL,
        unlicensed integer NOT NULL,
        trial_capacity integer NOT NULL,
        noncounted_capacity integer NOT NULL,
        usage_state smallint NOT NULL,
        PRIMARY KEY (partner_id, job_id, customer_id, product_id, workload, first_day)
      )`,
      `CREATE UNLOGGED TABLE customer_sums_staged (
        partner_id text NOT NULL,
        job_id text NOT NULL,
        customer_id text NOT NULL,
        own boolean NOT NULL,
        service text NOT NULL,
        workload text NOT NULL,
        first_day date NOT NULL,
        last_day date NOT NULL,
        ${SUM_FIELDS.map((f) => `${f} integer NOT NULL`).join(', ')},
        PRIMARY KEY (partner_id, job_id, customer_id, own, service, workload, first_day)
      )`,
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((m, x) => Math.max(m, x.version), 0);
