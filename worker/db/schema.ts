// Tables (drizzle-orm, SQLite dialect), one file per group in schema/. Migrations in migrations/ are generated from
// this file by drizzle-kit. Times are integer milliseconds since the epoch; personal data only as ciphertext or blind
// index.
export * from './schema/sites.ts';
export * from './schema/consents.ts';
export * from './schema/messaging.ts';
export * from './schema/log.ts';
export * from './schema/console.ts';
export * from './schema/webhooks.ts';
