import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes, randomUUID } from "node:crypto";
import { dedupeClaims } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { claimDedupeKey } from "./claim-dedupe-key";
import { completeClaim, releaseClaim } from "./settle-claim";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

function input(key: string, overrides: Partial<Parameters<typeof claimDedupeKey>[0]["input"]> = {}) {
  return {
    key,
    identityKey: `pod|c|ns|${key}`,
    family: "crashloop",
    alertname: "KubePodCrashLooping",
    bucket: "2026-11-23T08:00:00.000Z",
    owner: randomUUID(),
    receiptId: randomUUID(),
    leaseMs: 60_000,
    ...overrides,
  };
}

describe("claimDedupeKey (real PostgreSQL)", () => {
  it("claims an identity longer than a btree entry holds (the identity index is a hash index)", async () => {
    // Random, so PostgreSQL cannot compress the entry below the btree limit.
    const long = Array.from({ length: 3 }, () => randomBytes(800).toString("base64")).join("|");
    expect(long.length).toBeGreaterThan(2_704);
    const key = randomUUID();
    expect(await claimDedupeKey({ ctx: { db: tdb.db }, input: input(key, { identityKey: `pod|${long}` }) })).toEqual({ outcome: "won" });
    const rows = await tdb.db.select({ identityKey: dedupeClaims.identityKey }).from(dedupeClaims).where(eq(dedupeClaims.identityKey, `pod|${long}`));
    expect(rows).toHaveLength(1);
  });

  it("lets exactly one of 50 concurrent claimers win", async () => {
    const key = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => claimDedupeKey({ ctx: { db: tdb.db }, input: input(key) })),
    );
    expect(outcomes.filter((o) => o.outcome === "won")).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === "duplicate")).toHaveLength(49);
  });

  it("makes a redelivery of the same job wait for its own live lease, then reclaim it once expired", async () => {
    const key = randomUUID();
    const receiptId = randomUUID();
    expect((await claimDedupeKey({ ctx: { db: tdb.db }, input: input(key, { receiptId }) })).outcome).toBe("won");
    const again = await claimDedupeKey({ ctx: { db: tdb.db }, input: input(key, { receiptId }) });
    expect(again.outcome).toBe("held_by_earlier_delivery");
    await tdb.db.update(dedupeClaims).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(dedupeClaims.key, key));
    const racers = await Promise.all(
      Array.from({ length: 5 }, () => claimDedupeKey({ ctx: { db: tdb.db }, input: input(key, { receiptId }) })),
    );
    expect(racers.filter((o) => o.outcome === "reclaimed")).toHaveLength(1);
  });

  it("skips a finished key, and a released claim can be taken at once", async () => {
    const key = randomUUID();
    const first = input(key);
    await claimDedupeKey({ ctx: { db: tdb.db }, input: first });
    await releaseClaim({ ctx: { db: tdb.db }, input: { key, owner: first.owner } });
    const second = input(key);
    expect((await claimDedupeKey({ ctx: { db: tdb.db }, input: second })).outcome).toBe("reclaimed");
    expect(await completeClaim({ ctx: { db: tdb.db }, input: { key, owner: first.owner, reportKey: "x" } })).toBe(false);
    expect(await completeClaim({ ctx: { db: tdb.db }, input: { key, owner: second.owner, reportKey: "x" } })).toBe(true);
    expect((await claimDedupeKey({ ctx: { db: tdb.db }, input: input(key) })).outcome).toBe("duplicate");
  });

  it("refreshes a rollout-noisy report only once it is older than the freshness window", async () => {
    const key = randomUUID();
    const first = input(key);
    await claimDedupeKey({ ctx: { db: tdb.db }, input: first });
    await completeClaim({ ctx: { db: tdb.db }, input: { key, owner: first.owner, reportKey: "x" } });
    const hour = 3_600_000;
    expect((await claimDedupeKey({ ctx: { db: tdb.db }, input: input(key, { refreshAfterMs: hour }) })).outcome).toBe("duplicate");
    await tdb.db.update(dedupeClaims).set({ completedAt: sql`now() - interval '61 minutes'` }).where(eq(dedupeClaims.key, key));
    expect((await claimDedupeKey({ ctx: { db: tdb.db }, input: input(key) })).outcome).toBe("duplicate");
    const refreshed = await Promise.all(
      Array.from({ length: 5 }, () => claimDedupeKey({ ctx: { db: tdb.db }, input: input(key, { refreshAfterMs: hour }) })),
    );
    expect(refreshed.filter((o) => o.outcome === "refreshed")).toHaveLength(1);
  });
});
