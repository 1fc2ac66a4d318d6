import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, caseReruns, cases, deadLetters, investigationRuns, receivedAlerts } from "@/lib/db/schema";
import { reportSchema } from "@/lib/investigate/report";
import { parseRecording } from "@/lib/investigate/replay/recording";
import { replayProviders } from "@/lib/investigate/replay/replay-providers";
import { silentLog } from "@/test/helpers/engine-providers";
import { processAlertJob, type ProcessContext } from "@/lib/jobs/process-alert-job";
import { processRerunJob } from "@/lib/jobs/process-rerun-job";
import { recordDeadLetter } from "@/lib/jobs/record-dead-letter";
import { rerunKey, type AlertJob } from "@/lib/queue/job";
import { createMemoryQueue } from "@/lib/queue/memory";
import type { JobQueue } from "@/lib/queue/types";
import { createFsStore } from "@/lib/storage/fs";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { eventually } from "@/test/helpers/nats";
import { rejection } from "@/test/helpers/rejection";
import { listCaseReruns } from "./list-case-reruns";
import { RERUN_LIMIT_PER_HOUR, requestRerun } from "./request-rerun";
import { testActor } from "@/test/helpers/cases";

const delivery = { deliveryCount: 1, isLastDelivery: false, heartbeat: () => undefined };
const responder = testActor("responder", "rhea");
const viewer = testActor("viewer", "vik");

describe("re-running a case's investigation with another window (real PostgreSQL, in-process queue)", () => {
  let t: TestDatabase;
  let dir: string;
  let ctx: ProcessContext;
  const recording = parseRecording(readFileSync("fixtures/crashloop-missing-env.json", "utf8"), "crashloop-missing-env");
  const now = new Date(recording.now);

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), "tarka-rerun-"));
    ctx = { db: t.db, store: createFsStore({ root: dir }), providers: replayProviders(recording).providers, log: silentLog, now: () => now, config: { s3Prefix: "", claimLeaseMs: 30_000 } };
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The alert as intake would take it: a receipt row, then the worker's job. */
  async function sendAlert(): Promise<{ job: AlertJob; receiptId: string }> {
    const a = recording.alert;
    const [receipt] = await t.db
      .insert(receivedAlerts)
      .values({ fingerprint: a.fingerprint, alertname: a.alertname, status: a.status, labels: a.labels, annotations: a.annotations, startsAt: new Date(a.startsAt), disposition: "queued" })
      .returning();
    return { job: { alert: a, receiptId: receipt.id, receivedAt: now.toISOString(), timeWindow: recording.timeWindow }, receiptId: receipt.id };
  }

  /** A queue whose consumer runs re-runs the way the worker does. */
  async function workingQueue(): Promise<JobQueue> {
    const queue = createMemoryQueue({ maxDeliver: 2, backoffSeconds: [0], log: silentLog });
    await queue.consume({
      concurrency: 1,
      fetchBatch: 1,
      handler: async (job, d) => {
        if (job.kind !== "rerun") throw new Error("only re-runs are queued here");
        await processRerunJob({ ctx, input: { job, delivery: d } });
      },
    });
    return queue;
  }

  it("adds a run with the window and who asked to the same case, leaves the alert's dedupe alone, and audits it", async () => {
    const first = await sendAlert();
    const investigated = await processAlertJob({ ctx, input: { job: first.job, delivery } });
    if (investigated.outcome !== "investigated") throw new Error(`expected an investigation, got ${investigated.reason}`);
    const { caseId } = investigated;

    const queue = await workingQueue();
    const asked = await requestRerun({ ctx: { db: t.db, queue, actor: responder, now }, input: { caseId, windowMinutes: 120 } });
    expect(asked).toMatchObject({ caseId, windowMinutes: 120, status: "queued", requestedBy: "rhea", runId: null });
    const done = await eventually(async () => {
      const [r] = await listCaseReruns({ ctx: { db: t.db, actor: viewer }, input: { caseId } });
      return r?.status === "succeeded" ? r : undefined;
    }, 15_000, "the re-run to succeed");
    await queue.close();

    const runs = await t.db.select().from(investigationRuns).where(eq(investigationRuns.caseId, caseId));
    expect(runs).toHaveLength(2);
    const rerun = runs.find((r) => r.id === done.runId);
    expect(rerun).toMatchObject({ trigger: "rerun", timeWindow: "2h", requestedBy: "rhea", dedupeKey: rerunKey({ caseId, rerunId: asked.id }) });
    expect(runs.find((r) => r.id === investigated.runId)).toMatchObject({ trigger: "alert", timeWindow: recording.timeWindow, requestedBy: null });
    const report = reportSchema.parse(JSON.parse((await ctx.store.get(`${rerun!.reportKey}.json`)) ?? "null"));
    expect(report.timeWindow).toEqual({ start: new Date(now.getTime() - 2 * 3_600_000).toISOString(), end: now.toISOString(), duration: "2h" });
    expect(rerun!.reportKey).not.toBe(runs.find((r) => r.id === investigated.runId)!.reportKey);
    const [caseRow] = await t.db.select().from(cases).where(eq(cases.id, caseId));
    expect(caseRow).toMatchObject({ latestRunId: rerun!.id, runCount: 2, status: "open" });
    const audit = await t.db.select().from(auditEvents).where(and(eq(auditEvents.caseId, caseId), eq(auditEvents.action, "rerun")));
    expect(audit).toEqual([expect.objectContaining({ actorName: "rhea", after: { rerunId: asked.id, windowMinutes: 120 } })]);

    // The same alert sent again in the same bucket is still a duplicate of the alert's own run.
    const again = await sendAlert();
    expect(await processAlertJob({ ctx, input: { job: again.job, delivery } })).toEqual({ outcome: "skipped", reason: "duplicate" });
    const [receipt] = await t.db.select().from(receivedAlerts).where(eq(receivedAlerts.id, again.receiptId));
    expect(receipt).toMatchObject({ disposition: "skipped_duplicate", caseId });

    // A redelivered re-run job records nothing more.
    expect(await processRerunJob({ ctx, input: { job: { kind: "rerun", rerunId: asked.id, caseId, timeWindow: "2h" }, delivery } })).toEqual({ outcome: "skipped", reason: "settled" });
    expect(await t.db.select().from(investigationRuns).where(eq(investigationRuns.caseId, caseId))).toHaveLength(2);
  });

  it("refuses a viewer, a window out of bounds, a second re-run in flight (409) and too many in an hour (429)", async () => {
    const { job } = await sendAlert();
    const [c] = await t.db.select().from(cases).limit(1);
    await t.db.update(receivedAlerts).set({ caseId: c.id }).where(eq(receivedAlerts.id, job.receiptId));
    await t.db.delete(caseReruns).where(eq(caseReruns.caseId, c.id));
    const idle = createMemoryQueue({ maxDeliver: 1, backoffSeconds: [], log: silentLog });
    const ask = (windowMinutes: number, actor = responder, at = now) => requestRerun({ ctx: { db: t.db, queue: idle, actor, now: at }, input: { caseId: c.id, windowMinutes } });

    expect(await rejection(ask(60, viewer))).toMatchObject({ code: "forbidden" });
    expect(await rejection(ask(4))).toMatchObject({ code: "invalid_input", message: "invalid re-run: windowMinutes: at least 5 minutes" });
    expect(await rejection(ask(1441))).toMatchObject({ code: "invalid_input" });
    expect(await rejection(requestRerun({ ctx: { db: t.db, queue: idle, actor: responder, now }, input: { caseId: "nope", windowMinutes: 60 } }))).toMatchObject({ code: "not_found" });

    const queued = await ask(30);
    expect((await idle.stats()).pending).toBe(1);
    const busy = await rejection(ask(60));
    expect(busy).toMatchObject({ code: "conflict", message: "a re-run of this case is already queued (asked by rhea); wait for it to finish" });
    expect(busy).toHaveProperty("details.rerun.id", queued.id);

    // One left queued for longer than the stale limit no longer blocks, and is marked failed.
    const later = new Date(now.getTime() + 31 * 60_000);
    const fresh = await ask(45, responder, later);
    const [stale] = await t.db.select().from(caseReruns).where(eq(caseReruns.id, queued.id));
    expect(stale).toMatchObject({ status: "failed", error: "no worker finished it within 30 minutes" });

    await recordDeadLetter({ ctx: { db: t.db }, input: { kind: "max_deliveries", reason: "gave up", deliveries: 3, job: { kind: "rerun", rerunId: fresh.id, caseId: c.id, timeWindow: "45m" }, at: later.toISOString() } });
    const [dead] = await t.db.select().from(caseReruns).where(eq(caseReruns.id, fresh.id));
    expect(dead).toMatchObject({ status: "failed", error: "max_deliveries: gave up" });
    expect((await t.db.select().from(deadLetters).where(eq(deadLetters.reason, "gave up")))[0]).toMatchObject({ receiptId: null });

    for (let i = 2; i < RERUN_LIMIT_PER_HOUR; i++) {
      await t.db.insert(caseReruns).values({ caseId: c.id, windowMinutes: 60, status: "succeeded", requestedBy: "rhea", requestedAt: new Date(later.getTime() - i * 60_000) });
    }
    const limited = await rejection(ask(60, responder, later));
    expect(limited).toMatchObject({ code: "rate_limited" });
    expect((limited as Error).message).toMatch(/^at most 6 re-runs of a case an hour; try again after /);
    await idle.close();
  });
});
