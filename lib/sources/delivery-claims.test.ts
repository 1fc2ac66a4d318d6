import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sourceDeliveries } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { createDeliveryClaims, type DeliveryClaims } from "./delivery-claims";

describe("delivery id claims (PostgreSQL)", () => {
  let tdb: TestDatabase;
  let claims: DeliveryClaims;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    claims = createDeliveryClaims(tdb.db);
  }, 60_000);
  afterAll(async () => {
    await tdb?.drop();
  });

  it("gives each id to exactly one of many concurrent claimers, per source", async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `msg_${i}`);
    // Every id claimed three times at once through the same source, and once through another.
    const attempts = [...ids, ...ids, ...ids].map((id) => claims.claim("grafana", id));
    const other = ids.map((id) => claims.claim("jira", id));
    const won = await Promise.all(attempts);
    expect(won.filter(Boolean)).toHaveLength(ids.length);
    for (const [i] of ids.entries()) expect([won[i], won[i + ids.length], won[i + 2 * ids.length]].filter(Boolean)).toHaveLength(1);
    expect(await Promise.all(other)).toEqual(ids.map(() => true));
    expect(await claims.claim("grafana", "msg_7")).toBe(false);
  });

  it("accepts an id again once it was released, and keeps the rest", async () => {
    expect(await claims.claim("pagerduty", "retry-me")).toBe(true);
    expect(await claims.claim("pagerduty", "keep-me")).toBe(true);
    await claims.release("pagerduty", "retry-me");
    expect(await claims.claim("pagerduty", "retry-me")).toBe(true);
    expect(await claims.claim("pagerduty", "keep-me")).toBe(false);
  });

  it("prunes ids older than the replay window when it next writes", async () => {
    await tdb.db.insert(sourceDeliveries).values({ sourceId: "old", deliveryId: "stale", acceptedAt: new Date(Date.now() - 3_600_000) });
    // A fresh set of claims prunes on its first write; the stale id is then claimable again.
    const fresh = createDeliveryClaims(tdb.db);
    expect(await fresh.claim("old", "another")).toBe(true);
    const [row] = await tdb.db.select({ n: sql<number>`count(*)::int` }).from(sourceDeliveries).where(sql`${sourceDeliveries.sourceId} = 'old'`);
    expect(row.n).toBe(1);
    expect(await fresh.claim("old", "stale")).toBe(true);
  });

  it("prunes expired ids in the background for callers that record ids with their receipts", async () => {
    await tdb.db.insert(sourceDeliveries).values({ sourceId: "ledger", deliveryId: "stale", acceptedAt: new Date(Date.now() - 3_600_000) });
    await tdb.db.insert(sourceDeliveries).values({ sourceId: "ledger", deliveryId: "fresh" });
    createDeliveryClaims(tdb.db).pruneExpired();
    await expect
      .poll(async () => (await tdb.db.select({ id: sourceDeliveries.deliveryId }).from(sourceDeliveries).where(sql`${sourceDeliveries.sourceId} = 'ledger'`)).map((r) => r.id))
      .toEqual(["fresh"]);
  });
});
