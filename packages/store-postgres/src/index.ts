/** The PostgreSQL store (and Citus): the core's Store and AccountStore on a shared database, and its engine registration. */
export { postgresEngine } from './engine';
export { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
export {
  ACCOUNT_MIGRATION_LOCK,
  ACCOUNT_MIGRATIONS,
  type AccountMigration,
  LATEST_ACCOUNT_SCHEMA_VERSION,
  PgAccountStore,
  type PgAccountStoreOptions,
} from './pg-account-store';
export { PgImportSession, type PgImportUnit } from './pg-import-session';
export { LOCK_NAMESPACE, PostgresStore, type PostgresStoreOptions } from './postgres-store';
