import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { familyOf } from "@/lib/alerts/family";
import { dedupeBucket, reportBaseKey } from "@/lib/alerts/dedupe-key";
import { recordDerivedProposals } from "@/lib/actions/record-derived-proposals";
import { recordRerunRun } from "@/lib/cases/record-run";
import type { DbOrTx } from "@/lib/db/client";
import { caseReruns, cases, receivedAlerts } from "@/lib/db/schema";
import { claimDedupeKey } from "@/lib/dedupe/claim-dedupe-key";
import { completeClaim, releaseClaim } from "@/lib/dedupe/settle-claim";
import { ServiceError } from "@/lib/errors";
import { rerunKey, type RerunJob } from "@/lib/queue/job";
import type { Delivery } from "@/lib/queue/types";
import { SpanKind, parentContext, withSpan } from "@/lib/tracing/spans";
import { alertOfReceipt } from "./alert-of-receipt";
import { investigateAndStore, keepClaimAlive, resolveIdentity, runSummaryOf, type ProcessContext } from "./process-alert-job";

export type RerunOutcome =
  | { outcome: "investigated"; reportKey: string; caseId: string; runId: string }
  /** Already settled (a redelivery after success, or given up as stale), or nothing left to investigate. */
  | { outcome: "skipped"; reason: "settled" | "no_alert" };

/**
 * Handle one re-run a person asked for: the case's latest alert is investigated again with the
 * requested window and the run is recorded on that case. The claim key `rerun:<caseId>:<rerunId>`
 * keeps redeliveries to one run without touching the alert's own dedupe key.
 */
export function processRerunJob(args: { ctx: ProcessContext; input: { job: RerunJob; delivery: Delivery } }): Promise<RerunOutcome> {
  const { job, delivery } = args.input;
  const attributes = { "messaging.operation.type": "process", "tarka.rerun_id": job.rerunId, "tarka.case_id": job.caseId, "tarka.delivery": delivery.deliveryCount };
  return withSpan("tarka.rerun", { kind: SpanKind.CONSUMER, parent: parentContext(job.traceparent), attributes }, async (span) => {
    const result = await processRerun(args);
    span.setAttribute("tarka.outcome", result.outcome === "investigated" ? "investigated" : `skipped_${result.reason}`);
    return result;
  });
}

async function processRerun({ ctx, input }: { ctx: ProcessContext; input: { job: RerunJob; delivery: Delivery } }): Promise<RerunOutcome> {
  const { job, delivery } = input;
  const now = ctx.now ?? (() => new Date());
  const log = ctx.log.child({ rerunId: job.rerunId, caseId: job.caseId });
  const [rerun] = await ctx.db.select().from(caseReruns).where(eq(caseReruns.id, job.rerunId));
  if (!rerun || rerun.status === "succeeded" || rerun.status === "failed") return { outcome: "skipped", reason: "settled" };
  const [caseRow] = await ctx.db.select().from(cases).where(eq(cases.id, job.caseId));
  const [row] = await ctx.db.select().from(receivedAlerts).where(eq(receivedAlerts.caseId, job.caseId)).orderBy(desc(receivedAlerts.receivedAt)).limit(1);
  if (!caseRow || !row) {
    await failRerun({ ctx, input: { rerunId: job.rerunId, error: "the case has no received alert to investigate again" } });
    return { outcome: "skipped", reason: "no_alert" };
  }
  const alert = alertOfReceipt(row);
  const family = familyOf(alert.alertname, alert.labels);
  const identity = await resolveIdentity(ctx, alert, family, log);
  const key = rerunKey(job);
  const bucket = dedupeBucket(now());
  const owner = `${ctx.config.workerName ?? hostname()}:${process.pid}:${randomUUID()}`;
  const claim = await claimDedupeKey({
    ctx,
    input: { key, identityKey: caseRow.identityKey, family, alertname: alert.alertname, bucket, owner, receiptId: job.rerunId, leaseMs: ctx.config.claimLeaseMs },
  });
  if (claim.outcome === "held_by_earlier_delivery") {
    throw new ServiceError("conflict", `an earlier delivery of this re-run holds the claim until ${claim.leaseUntil.toISOString()}`, {
      details: { retryAt: claim.leaseUntil.toISOString() },
    });
  }
  if (claim.outcome === "duplicate") return { outcome: "skipped", reason: "settled" };

  const startedAt = now();
  await ctx.db.update(caseReruns).set({ status: "running", startedAt }).where(eq(caseReruns.id, job.rerunId));
  const stopKeepAlive = keepClaimAlive(ctx, { key, owner, delivery, log });
  try {
    const baseKey = reportBaseKey({ prefix: ctx.config.s3Prefix, identity, family, bucket, dedupeKey: `rerun-${job.rerunId}` });
    const report = await investigateAndStore(ctx, { alert, family, identity, timeWindow: job.timeWindow, baseKey }, log);
    const durationMs = now().getTime() - startedAt.getTime();
    const recorded = await ctx.db.transaction(async (tx) => {
      if (!(await completeClaim({ ctx: { db: tx }, input: { key, owner, reportKey: baseKey } }))) return null;
      const run = await recordRerunRun({
        ctx: { db: tx, outbound: ctx.outbound },
        input: {
          caseId: caseRow.id,
          alert,
          dedupeKey: key,
          reportKey: baseKey,
          worker: owner,
          startedAt,
          durationMs,
          timeWindow: job.timeWindow,
          requestedBy: rerun.requestedBy,
          summary: runSummaryOf(report),
          evidence: report.analysis.hypotheses[0]?.why[0] ?? null,
        },
      });
      await recordDerivedProposals({ ctx: { db: tx }, input: { caseId: run.caseId, runId: run.runId, report } });
      await tx.update(caseReruns).set({ status: "succeeded", runId: run.runId, finishedAt: sql`now()` }).where(eq(caseReruns.id, job.rerunId));
      return run;
    });
    if (!recorded) return { outcome: "skipped", reason: "settled" };
    ctx.metrics?.investigations.inc({ family, classification: report.analysis.verdict.classification, outcome: "succeeded" });
    ctx.metrics?.investigationDuration.observe({ family }, durationMs / 1000);
    log.info({ reportKey: baseKey, runId: recorded.runId, timeWindow: job.timeWindow, durationMs }, "re-run stored");
    return { outcome: "investigated", reportKey: baseKey, ...recorded };
  } catch (e) {
    ctx.metrics?.investigations.inc({ family, classification: "none", outcome: "failed" });
    await releaseClaim({ ctx, input: { key, owner } }).catch(() => undefined);
    throw e;
  } finally {
    stopKeepAlive();
  }
}

/** Settle a re-run that will produce no run (its job dead-lettered, or nothing left to investigate). */
export async function failRerun({ ctx, input }: { ctx: { db: DbOrTx }; input: { rerunId: string; error: string } }): Promise<void> {
  await ctx.db
    .update(caseReruns)
    .set({ status: "failed", error: input.error, finishedAt: sql`now()` })
    .where(and(eq(caseReruns.id, input.rerunId), inArray(caseReruns.status, ["queued", "running"])));
}
