import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { describeDbError } from "./describe-db-error";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

describe("describeDbError (real PostgreSQL errors through drizzle)", () => {
  it("keeps the driver's reason and SQLSTATE, drops the SQL, its parameters and quoted input", async () => {
    const e = await tdb.db.execute(sql`select ${"Alert-Payload secret=hunter2"}::timestamptz as t`).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toContain("hunter2");
    const described = describeDbError(e);
    expect(described).toMatch(/invalid input syntax for type timestamp with time zone/);
    expect(described).toContain("SQLSTATE 22007");
    expect(described).not.toMatch(/hunter2|Alert-Payload|select/i);
  });

  it("keeps the first line of any other error, without its quoted input", () => {
    expect(describeDbError(new TypeError('cannot read "alert-payload secret" of undefined\n    at ingest (x.ts:1)'))).toBe('cannot read "…" of undefined');
  });
});
