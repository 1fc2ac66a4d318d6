import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** A client or a transaction: verbs accept either. */
export type DbOrTx = Db | Tx;

export type DbHandle = {
  kind: "postgres" | "pglite";
  db: Db;
  close(): Promise<void>;
};

export const migrationsFolder = path.join(process.cwd(), "drizzle");

/** Migration lock id: any constant shared by every Tarka process. */
const MIGRATION_LOCK_ID = 7_242_117;

/**
 * Open the database: PostgreSQL when a URL is given, otherwise PGlite under `dataDir`.
 * Migrations are applied before the handle is returned (PostgreSQL: under an advisory lock, so
 * several replicas starting together migrate once).
 */
export async function openDatabase(options: {
  url?: string;
  dataDir: string;
  poolSize?: number;
  migrate?: boolean;
}): Promise<DbHandle> {
  const shouldMigrate = options.migrate ?? true;
  if (options.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    if (shouldMigrate) await migratePostgres(options.url);
    const client = postgres(options.url, { max: options.poolSize ?? 10, onnotice: () => {} });
    const db = drizzle(client, { schema }) as unknown as Db;
    return { kind: "postgres", db, close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dir = path.resolve(options.dataDir, "pglite");
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  // The trigram indexes need pg_trgm loaded at every open, or even plain inserts fail.
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const client = await PGlite.create({ dataDir: dir, extensions: { pg_trgm } });
  const db = drizzle(client, { schema }) as unknown as Db;
  if (shouldMigrate) {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(drizzle(client), { migrationsFolder });
  }
  return { kind: "pglite", db, close: () => client.close() };
}

async function migratePostgres(url: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}
