import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { receivedAlerts } from "@/lib/db/schema";
import type { AlertDisposition } from "@/lib/db/schema/constants";
import { familyOf, type Family } from "@/lib/alerts/family";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { identityOf, isRolloutNoisy, subjectOf, type Identity, type WorkloadRef } from "@/lib/alerts/identity";
import { dedupeBucket, dedupeKey, reportBaseKey } from "@/lib/alerts/dedupe-key";
import { claimDedupeKey } from "@/lib/dedupe/claim-dedupe-key";
import { completeClaim, extendClaim, releaseClaim } from "@/lib/dedupe/settle-claim";
import { recordRun, serviceOf, type RunSummary } from "@/lib/cases/record-run";
import { caseMemoryText, findSimilarCases } from "@/lib/cases/find-similar-cases";
import { recordDerivedProposals } from "@/lib/actions/record-derived-proposals";
import { applyCaseMemory } from "@/lib/investigate/case-memory";
import type { Report } from "@/lib/investigate/report";
import { touchCase } from "@/lib/cases/touch-case";
import { caseTitle } from "@/lib/cases/case-title";
import { findSnoozed } from "@/lib/cases/find-snoozed-cases";
import { investigateAlert } from "@/lib/investigate/investigate-alert";
import { renderMarkdown } from "@/lib/investigate/render-markdown";
import type { Providers } from "@/lib/investigate/providers/types";
import type { ChatModel } from "@/lib/llm/model";
import { describeDbError } from "@/lib/db/describe-db-error";
import { ServiceError, errorMessage } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import type { Metrics } from "@/lib/metrics";
import type { AlertJob } from "@/lib/queue/job";
import type { Delivery } from "@/lib/queue/types";
import type { OutboundChannels } from "@/lib/notifications/case-event";
import type { ReportStore } from "@/lib/storage/types";
import { SpanKind, parentContext, withSpan } from "@/lib/tracing/spans";

/** A rollout-noisy report younger than this is reused; older ones are investigated again (docs/architecture.md, "Dedupe and claims"). */
const ROLLOUT_NOISY_FRESHNESS_MS = 3_600_000;

export type ProcessContext = {
  db: Db;
  store: ReportStore;
  providers: Providers;
  log: Logger;
  metrics?: Metrics;
  now?: () => Date;
  config: { s3Prefix: string; clusterName?: string; claimLeaseMs: number; workerName?: string; scrapers?: string[] };
  /** With a model, each report gets `analysis.llm` within `timeoutMs` (LLM_ENRICHMENT_TIMEOUT_MS). */
  llm?: { chatModel: ChatModel; timeoutMs: number } | null;
  outbound?: OutboundChannels;
};

export type ProcessOutcome =
  | { outcome: "investigated"; reportKey: string; caseId: string; runId: string }
  | { outcome: "skipped"; reason: "duplicate" | "snoozed" };

/**
 * Handle one queued alert: identity → dedupe claim → investigate → store the report → index the
 * case and run. Throws a retryable ServiceError when the work must be tried again later.
 */
export function processAlertJob(args: { ctx: ProcessContext; input: { job: AlertJob; delivery: Delivery } }): Promise<ProcessOutcome> {
  const { job, delivery } = args.input;
  const attributes = {
    "messaging.operation.type": "process",
    "tarka.fingerprint": job.alert.fingerprint,
    "tarka.alertname": job.alert.alertname,
    "tarka.receipt_id": job.receiptId,
    "tarka.delivery": delivery.deliveryCount,
  };
  // Parent is the publish span named in the job, never whatever context the queue happened to run us in.
  const parent = parentContext(job.traceparent);
  return withSpan("tarka.job", { kind: SpanKind.CONSUMER, parent, attributes }, async (span) => {
    const result = await processJob(args);
    span.setAttribute("tarka.outcome", result.outcome === "investigated" ? "investigated" : `skipped_${result.reason}`);
    if (result.outcome === "investigated") span.setAttribute("tarka.case_id", result.caseId);
    return result;
  });
}

async function processJob({
  ctx,
  input,
}: {
  ctx: ProcessContext;
  input: { job: AlertJob; delivery: Delivery };
}): Promise<ProcessOutcome> {
  const { job, delivery } = input;
  const { alert } = job;
  const now = ctx.now ?? (() => new Date());
  const log = ctx.log.child({ fingerprint: alert.fingerprint, alertname: alert.alertname, receiptId: job.receiptId });
  const family = familyOf(alert.alertname, alert.labels);

  const identity = await resolveIdentity(ctx, alert, family, log);

  const snoozed = await findSnoozed({
    ctx: { db: ctx.db, now: now() },
    input: { identityKeys: [identity.key], fingerprints: [alert.fingerprint] },
  });
  if (snoozed.identityKeys.size > 0 || snoozed.fingerprints.size > 0) {
    await markReceipt(ctx.db, job.receiptId, "skipped_snoozed", "case is snoozed");
    ctx.metrics?.alertsSkipped.inc({ reason: "snoozed" });
    return { outcome: "skipped", reason: "snoozed" };
  }

  const bucket = dedupeBucket(new Date(job.receivedAt));
  const key = dedupeKey({ identity, family, alertname: alert.alertname, bucket });
  const owner = `${ctx.config.workerName ?? hostname()}:${process.pid}:${randomUUID()}`;
  const claim = await claimDedupeKey({
    ctx,
    input: {
      key,
      identityKey: identity.key,
      family,
      alertname: alert.alertname,
      bucket,
      owner,
      receiptId: job.receiptId,
      leaseMs: ctx.config.claimLeaseMs,
      refreshAfterMs: isRolloutNoisy(alert.alertname) ? ROLLOUT_NOISY_FRESHNESS_MS : undefined,
    },
  });
  if (claim.outcome === "held_by_earlier_delivery") {
    throw new ServiceError("conflict", `an earlier delivery of this alert holds the claim until ${claim.leaseUntil.toISOString()}`, {
      details: { retryAt: claim.leaseUntil.toISOString() },
    });
  }
  if (claim.outcome === "duplicate") {
    const caseId = await touchCase({ ctx, input: { identityKey: identity.key } });
    await markReceipt(ctx.db, job.receiptId, "skipped_duplicate", `report exists for dedupe key ${key.slice(0, 12)}`, caseId);
    ctx.metrics?.dedupeHits.inc();
    ctx.metrics?.alertsSkipped.inc({ reason: "duplicate" });
    log.info({ dedupeKey: key, caseId }, "duplicate alert; report already exists");
    return { outcome: "skipped", reason: "duplicate" };
  }

  const startedAt = now();
  const stopKeepAlive = keepClaimAlive(ctx, { key, owner, delivery, log });
  try {
    const baseKey = reportBaseKey({ prefix: ctx.config.s3Prefix, identity, family, bucket, dedupeKey: key });
    const report = await investigateAndStore(ctx, { alert, family, identity, timeWindow: job.timeWindow, baseKey }, log);
    const durationMs = now().getTime() - startedAt.getTime();
    const verdict = report.analysis.verdict;
    const recorded = await ctx.db.transaction(async (tx) => {
      const stillOwner = await completeClaim({ ctx: { db: tx }, input: { key, owner, reportKey: baseKey } });
      if (!stillOwner) return null;
      const run = await recordRun({
        ctx: { db: tx, outbound: ctx.outbound },
        input: {
          identity,
          alert,
          receiptId: job.receiptId,
          dedupeKey: key,
          reportKey: baseKey,
          worker: owner,
          startedAt,
          durationMs,
          timeWindow: job.timeWindow,
          summary: runSummaryOf(report),
          evidence: report.analysis.hypotheses[0]?.why[0] ?? null,
        },
      });
      await recordDerivedProposals({ ctx: { db: tx }, input: { caseId: run.caseId, runId: run.runId, report } });
      return run;
    });
    if (!recorded) {
      // Our lease ran out and another worker took the key over; its run is the one of record.
      await markReceipt(ctx.db, job.receiptId, "skipped_duplicate", "claim taken over by another worker");
      return { outcome: "skipped", reason: "duplicate" };
    }
    ctx.metrics?.investigations.inc({ family, classification: verdict.classification, outcome: "succeeded" });
    ctx.metrics?.investigationDuration.observe({ family }, durationMs / 1000);
    log.info({ dedupeKey: key, reportKey: baseKey, caseId: recorded.caseId, durationMs, claim: claim.outcome }, "investigation stored");
    return { outcome: "investigated", reportKey: baseKey, ...recorded };
  } catch (e) {
    ctx.metrics?.investigations.inc({ family, classification: "none", outcome: "failed" });
    await releaseClaim({ ctx, input: { key, owner } }).catch(() => undefined);
    throw e;
  } finally {
    stopKeepAlive();
  }
}

/** The case's identity: the alert's subject, or for rollout-noisy pod alerts the workload that owns the pod. */
export async function resolveIdentity(ctx: ProcessContext, alert: NormalizedAlert, family: Family, log: Logger): Promise<Identity> {
  let workload: WorkloadRef | null = null;
  const k8s = ctx.providers.kubernetes;
  const subject = subjectOf(alert, family, ctx.config.scrapers);
  if (k8s && isRolloutNoisy(alert.alertname) && subject.kind === "pod" && subject.namespace) {
    const [namespace, pod] = [subject.namespace, subject.name as string];
    workload = await k8s.resolveOwnerWorkload(namespace, pod).catch((e: unknown) => {
      log.warn({ err: errorMessage(e) }, "owner lookup failed; keying the alert by pod");
      return null;
    });
  }
  return identityOf(alert, family, { defaultCluster: ctx.config.clusterName, workload, scrapers: ctx.config.scrapers });
}

/** Investigate, add case memory and (with a model) the LLM section, and store the report's JSON and Markdown under `baseKey`. */
export async function investigateAndStore(
  ctx: ProcessContext,
  input: { alert: NormalizedAlert; family: Family; identity: Identity; timeWindow: string; baseKey: string },
  log: Logger,
): Promise<Report> {
  const { alert, family, identity, timeWindow, baseKey } = input;
  const investigated = await investigateAlert({
    ctx: { providers: ctx.providers, log, now: ctx.now },
    input: { alert, family, identity, timeWindow, clusterName: ctx.config.clusterName },
  });
  const report = await withCaseMemory(ctx.db, investigated, identity, log);
  if (ctx.llm) {
    const { enrichReport } = await import("@/lib/llm/enrich-report");
    report.analysis.llm = await enrichReport({ ctx: { chatModel: ctx.llm.chatModel, metrics: ctx.metrics, log }, input: { report, timeoutMs: ctx.llm.timeoutMs } });
  }
  await ctx.store.put(`${baseKey}.json`, `${JSON.stringify(report, null, 2)}\n`, "application/json");
  await ctx.store.put(`${baseKey}.md`, renderMarkdown(report), "text/markdown; charset=utf-8");
  for (const q of report.queries) {
    ctx.metrics?.providerCallDuration.observe({ provider: q.provider, outcome: q.outcome }, q.durationMs / 1000);
    if (q.outcome === "error" || q.outcome === "timeout") ctx.metrics?.providerErrors.inc({ provider: q.provider });
  }
  return report;
}

/** What the case and run rows keep of a report. */
export function runSummaryOf(report: Report): RunSummary {
  const verdict = report.analysis.verdict;
  return {
    title: caseTitle(report.alert, report.target.name ?? null),
    family: report.family,
    targetType: report.target.type,
    targetName: report.target.name ?? null,
    classification: verdict.classification,
    oneLiner: verdict.oneLiner,
    impact: report.analysis.scores.impact,
    confidence: report.analysis.scores.confidence,
    noise: report.analysis.scores.noise,
    topHypotheses: topHypothesesOf(report),
  };
}

function topHypothesesOf(report: Report) {
  return report.analysis.hypotheses.slice(0, 3).map((h) => ({ category: h.category, title: h.title, confidence: h.confidence }));
}

/** Past cases like this one, and the visible adjustment they make; a failed lookup leaves the report as it was. */
async function withCaseMemory(db: Db, report: Report, identity: Identity, log: Logger): Promise<Report> {
  try {
    const similar = await findSimilarCases({
      ctx: { db },
      input: {
        probe: {
          identityKey: identity.key,
          family: report.family,
          alertname: report.alert.alertname,
          service: serviceOf(identity.subject, report.alert.labels),
          targetName: report.target.name,
          text: caseMemoryText(report.analysis.verdict.oneLiner, topHypothesesOf(report)),
        },
      },
    });
    return applyCaseMemory({ input: { report, similar } });
  } catch (e) {
    log.warn({ err: describeDbError(e) }, "similar-case lookup failed; report written without case memory");
    return report;
  }
}

async function markReceipt(
  db: Db,
  receiptId: string,
  disposition: AlertDisposition,
  reason: string,
  caseId: string | null = null,
): Promise<void> {
  await db
    .update(receivedAlerts)
    .set({ disposition, dispositionReason: reason, updatedAt: sql`now()`, ...(caseId ? { caseId } : {}) })
    .where(eq(receivedAlerts.id, receiptId));
}

/** While an investigation runs: tell the queue the job is alive and extend the dedupe claim's lease. */
export function keepClaimAlive(
  ctx: ProcessContext,
  { key, owner, delivery, log }: { key: string; owner: string; delivery: Delivery; log: Logger },
): () => void {
  const timer = setInterval(
    () => {
      delivery.heartbeat();
      extendClaim({ ctx, input: { key, owner, leaseMs: ctx.config.claimLeaseMs } }).catch((e: unknown) =>
        log.warn({ err: describeDbError(e) }, "could not extend claim lease"),
      );
    },
    Math.max(1_000, Math.floor(ctx.config.claimLeaseMs / 3)),
  );
  return () => clearInterval(timer);
}
