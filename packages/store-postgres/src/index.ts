/** The PostgreSQL store (issue 14, in progress): units of work, schema, settings, exclusions, audit. */
export { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
export { PgImportSession, type PgImportUnit } from './pg-import-session';
export type { PgReads, PgWrites } from './pg-units';
export { LOCK_NAMESPACE, PostgresStore, type PostgresStoreOptions } from './postgres-store';
