import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { failureOutcome } from "./outcome";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

describe("failureOutcome", () => {
  it("dead-letters with the database's reason, never the SQL or its parameters", async () => {
    const e = await tdb.db.execute(sql`select ${"payments-api token=abc"}::timestamptz`).then(() => undefined, (err: unknown) => err);
    const outcome = failureOutcome({ error: e, deliveryCount: 3, maxDeliver: 3, backoffSeconds: [] });
    expect(outcome).toMatchObject({ action: "dead_letter", kind: "max_deliveries" });
    const reason = (outcome as { reason: string }).reason;
    expect(reason).toMatch(/^gave up after 3 deliveries: invalid input syntax for type timestamp with time zone/);
    expect(reason).not.toMatch(/payments-api|select|params/i);
  });

  it("keeps a ServiceError's own message", () => {
    const error = new ServiceError("invalid_input", 'namespace "a b" is not a Kubernetes name');
    expect(failureOutcome({ error, deliveryCount: 1, maxDeliver: 3, backoffSeconds: [] })).toEqual({
      action: "dead_letter",
      kind: "permanent_failure",
      reason: 'namespace "a b" is not a Kubernetes name',
    });
  });
});
