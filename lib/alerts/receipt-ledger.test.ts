import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { receivedAlerts, sourceDeliveries } from "@/lib/db/schema";
import { bothDatabases, createTestDatabase } from "@/test/helpers/database";
import { startPrivatePostgres } from "@/test/helpers/private-postgres";
import { createReceiptLedger, type DeliveryClaim, type Receipt } from "./receipt-ledger";

const databases = bothDatabases("ledger");

function receipt(n: number, labels: Record<string, string> = {}): Receipt {
  return {
    id: randomUUID(),
    alert: {
      fingerprint: `fp${n}`,
      alertname: "KubePodCrashLooping",
      status: n % 2 === 0 ? "firing" : "resolved",
      labels: { alertname: "KubePodCrashLooping", pod: `api-${n}`, ...labels },
      annotations: { summary: `pod api-${n} "crash" looping` },
      startsAt: "2026-11-23T08:00:00.123Z",
      endsAt: n % 2 === 0 ? null : "2026-11-23T09:00:00.000Z",
      generatorURL: null,
      externalURL: null,
      receiver: "tarka",
    },
    disposition: "queued",
    reason: null,
  };
}

describe.each([
  { name: "PostgreSQL", handle: databases.postgres },
  { name: "PGlite", handle: databases.pglite },
])("receipt ledger on $name", ({ handle }) => {
  it("records concurrent requests' receipts with every field, and marks their dispositions", async () => {
    const ledger = createReceiptLedger(handle().db);
    const at = new Date("2026-11-23T08:00:01.500Z");
    const requests = Array.from({ length: 25 }, (_, r) => [receipt(r * 2), receipt(r * 2 + 1)]);
    await Promise.all(requests.map((rs) => ledger.record(rs, at)));
    const ids = requests.flat().map((r) => r.id);
    const rows = await handle().db.select().from(receivedAlerts).where(inArray(receivedAlerts.id, ids));
    expect(rows).toHaveLength(50);
    const r3 = rows.find((r) => r.fingerprint === "fp3")!;
    expect(r3).toMatchObject({
      alertname: "KubePodCrashLooping",
      status: "resolved",
      labels: { alertname: "KubePodCrashLooping", pod: "api-3" },
      annotations: { summary: 'pod api-3 "crash" looping' },
      disposition: "queued",
      dispositionReason: null,
      caseId: null,
    });
    expect(r3.startsAt.toISOString()).toBe("2026-11-23T08:00:00.123Z");
    expect(r3.endsAt?.toISOString()).toBe("2026-11-23T09:00:00.000Z");
    expect(r3.receivedAt.toISOString()).toBe(at.toISOString());
    expect(rows.find((r) => r.fingerprint === "fp2")!.endsAt).toBeNull();

    const dup = ids.slice(0, 10);
    await Promise.all([
      ledger.mark(dup.slice(0, 5).map((id) => ({ id, disposition: "skipped_duplicate", reason: "same notification already queued" }))),
      ledger.mark(dup.slice(5).map((id) => ({ id, disposition: "enqueue_failed", reason: "NATS down" }))),
    ]);
    const marked = await handle().db.select().from(receivedAlerts).where(inArray(receivedAlerts.id, ids));
    const count = (d: string) => marked.filter((r) => r.disposition === d).length;
    expect([count("skipped_duplicate"), count("enqueue_failed"), count("queued")]).toEqual([5, 5, 40]);
    expect(marked.find((r) => r.id === dup[7])!.dispositionReason).toBe("NATS down");
  });

  it("a receipt PostgreSQL cannot store fails only its own request; concurrent ones are recorded", async () => {
    const ledger = createReceiptLedger(handle().db);
    const good = Array.from({ length: 6 }, (_, i) => [receipt(100 + i)]);
    const bad = [receipt(200, { note: "nul\u0000byte" })];
    const outcomes = await Promise.allSettled([...good.slice(0, 3), bad, ...good.slice(3)].map((rs) => ledger.record(rs, new Date())));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    const ids = [...good.flat(), ...bad].map((r) => r.id);
    const rows = await handle().db.select({ id: receivedAlerts.id }).from(receivedAlerts).where(inArray(receivedAlerts.id, ids));
    expect(rows.map((r) => r.id).sort()).toEqual(good.flat().map((r) => r.id).sort());
  });

  it("a signed request's delivery id is written with its receipts; a replay, in the same batch or later, records nothing", async () => {
    const ledger = createReceiptLedger(handle().db);
    const source = `src-${randomUUID().slice(0, 8)}`;
    const claim = (deliveryId: string): DeliveryClaim => ({ sourceId: source, deliveryId });
    // One batch: an /alerts request, two requests carrying the same id, and one with another id.
    const requests = [
      { receipts: [receipt(400)], claim: undefined },
      { receipts: [receipt(402), receipt(404)], claim: claim("msg_1") },
      { receipts: [receipt(406)], claim: claim("msg_1") },
      { receipts: [receipt(408)], claim: claim("msg_2") },
    ];
    const outcomes = await Promise.all(requests.map((r) => ledger.record(r.receipts, new Date(), r.claim)));
    expect(outcomes).toEqual([true, true, false, true]);
    expect(requests.map((r) => r.claim?.recorded)).toEqual([undefined, true, false, true]);
    const later = claim("msg_2");
    expect(await ledger.record([receipt(410)], new Date(), later)).toBe(false);
    expect(later.recorded).toBe(false);

    const ids = [...requests.flatMap((r) => r.receipts), receipt(410)].map((r) => r.id);
    const stored = await handle().db.select({ fingerprint: receivedAlerts.fingerprint }).from(receivedAlerts).where(inArray(receivedAlerts.id, ids));
    expect(stored.map((r) => r.fingerprint).sort()).toEqual(["fp400", "fp402", "fp404", "fp408"]);
    const deliveries = await handle().db.select().from(sourceDeliveries).where(eq(sourceDeliveries.sourceId, source));
    expect(deliveries.map((d) => d.deliveryId).sort()).toEqual(["msg_1", "msg_2"]);
  });

  it("a delivery id whose receipts cannot be stored is not taken: the sender's retry is accepted", async () => {
    const ledger = createReceiptLedger(handle().db);
    const source = `src-${randomUUID().slice(0, 8)}`;
    const bad = { sourceId: source, deliveryId: "msg_nul" };
    await expect(ledger.record([receipt(500, { note: "nul\u0000byte" })], new Date(), bad)).rejects.toThrow();
    expect(bad).toMatchObject({ recorded: false });
    const retry = { sourceId: source, deliveryId: "msg_nul" };
    expect(await ledger.record([receipt(502)], new Date(), retry)).toBe(true);
  });
});

describe("receipt ledger while PostgreSQL restarts", () => {
  it("markLater settles a refused request's receipts once the server is back", async () => {
    const server = await startPrivatePostgres();
    const db = await createTestDatabase(server.adminUrl);
    try {
      const ledger = createReceiptLedger(db.db);
      // As when an insert commits and its connection dies before the answer: the receipt exists, the request got a 503.
      const stored = receipt(300);
      await ledger.record([stored], new Date());
      await server.kill();
      await expect(ledger.mark([{ id: stored.id, disposition: "enqueue_failed", reason: "answered 503" }])).rejects.toThrow();
      const settled = ledger.markLater([{ id: stored.id, disposition: "enqueue_failed", reason: "answered 503" }]);
      await new Promise((r) => setTimeout(r, 1_500));
      await server.start();
      await settled;
      const [row] = await db.db.select().from(receivedAlerts).where(inArray(receivedAlerts.id, [stored.id]));
      expect(row).toMatchObject({ disposition: "enqueue_failed", dispositionReason: "answered 503" });
    } finally {
      await db.drop().catch(() => {});
      await server.destroy();
    }
  }, 120_000);
});
