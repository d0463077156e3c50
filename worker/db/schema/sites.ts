// A site: its configuration, API keys, the widget texts and builds it served, its published policies, the origins
// its CORS check refused.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const sites = sqliteTable('sites', {
  id: text('id').primaryKey(),
  /** The site configuration JSON (validated by siteConfigSchema), secrets included. */
  config: text('config').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  /** "no" answers are counted, never stored. */
  declines: integer('declines').notNull().default(0),
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    /** SHA-256 hex of the key; the key itself is shown once. */
    keyHash: text('key_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash').on(t.keyHash), index('api_keys_site').on(t.siteId)],
);

/** Every widget text the server served: a submission must cite one of these hashes. */
export const widgetTexts = sqliteTable(
  'widget_texts',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    sha256: text('sha256').notNull(),
    locale: text('locale').notNull(),
    policyVersion: integer('policy_version').notNull(),
    texts: text('texts').notNull(),
    firstServedAt: integer('first_served_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.sha256] })],
);

export const policyVersions = sqliteTable(
  'policy_versions',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    version: integer('version').notNull(),
    locale: text('locale').notNull(),
    templateVersion: text('template_version').notNull(),
    /** The exact Markdown served by ?format=md (UTF-8 text is stored byte for byte); never updated. */
    markdown: text('markdown').notNull(),
    sha256: text('sha256').notNull(),
    summary: text('summary').notNull(),
    /** The facts this version was rendered from (JSON), for material-change checks. */
    facts: text('facts').notNull(),
    /** Sections and readability scores (JSON). */
    meta: text('meta').notNull(),
    publishedAt: integer('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.version, t.locale] })],
);

/** Every widget build this server has served, so a page pinning an older one with SRI keeps working after upgrades. */
export const widgetBundles = sqliteTable('widget_bundles', {
  sha256: text('sha256').primaryKey(),
  code: text('code').notNull(),
  firstServedAt: integer('first_served_at').notNull(),
});

/** Origins the CORS check refused, per site (a bounded list for the console; origins are hosts, not people). */
export const refusedOrigins = sqliteTable(
  'console_refused_origins',
  {
    siteId: text('site_id').notNull(),
    origin: text('origin').notNull(),
    count: integer('count').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.origin] })],
);
