import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, type DbHandle } from "@/lib/db/client";

const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test";

/** Refuse to create or drop databases anywhere but the local test server. */
function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost") {
    throw new Error(`refusing to run destructive tests against non-local database ${host}`);
  }
}

export type TestDatabase = DbHandle & { url: string; drop(): Promise<void> };

/** A fresh, migrated PostgreSQL database on the local server; `drop()` removes it. */
export async function createTestDatabase(adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? ADMIN_URL): Promise<TestDatabase> {
  assertLocal(adminUrl);
  const { default: postgres } = await import("postgres");
  const name = `tarka_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), dataDir: "", poolSize: 5 });
  return {
    ...handle,
    url: url.toString(),
    async drop() {
      await handle.close();
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * A migrated PostgreSQL database and an embedded PGlite one for the tests of a file (created before
 * them, removed after), for code that must behave the same on both.
 */
export function bothDatabases(name: string): { postgres: () => DbHandle; pglite: () => DbHandle } {
  let postgres: TestDatabase | undefined;
  let pglite: DbHandle | undefined;
  const pgliteDir = fs.mkdtempSync(path.join(os.tmpdir(), `tarka-${name}-`));
  beforeAll(async () => {
    postgres = await createTestDatabase();
    pglite = await openDatabase({ dataDir: pgliteDir });
  });
  afterAll(async () => {
    await postgres?.drop();
    await pglite?.close();
    fs.rmSync(pgliteDir, { recursive: true, force: true });
  });
  return { postgres: () => postgres as DbHandle, pglite: () => pglite as DbHandle };
}
