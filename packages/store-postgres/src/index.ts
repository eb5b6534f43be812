/** The PostgreSQL store (and Citus): the core's Store on a shared database, and its engine registration. */
export { postgresEngine } from './engine';
export { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
export { PgImportSession, type PgImportUnit } from './pg-import-session';
export { LOCK_NAMESPACE, PostgresStore, type PostgresStoreOptions } from './postgres-store';
