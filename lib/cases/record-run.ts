import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { cases, investigationRuns, receivedAlerts, type RunHypothesis } from "@/lib/db/schema";
import type { Classification } from "@/lib/db/schema/constants";
import type { Identity, Subject } from "@/lib/alerts/identity";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { caseMemoryText } from "./find-similar-cases";
import { enqueueCaseEvent, type OutboundChannels } from "@/lib/notifications/case-event";

export type RunSummary = {
  title: string;
  family: string;
  targetType: string;
  targetName: string | null;
  classification: Classification;
  oneLiner: string;
  impact: number;
  confidence: number;
  noise: number;
  topHypotheses: RunHypothesis[];
};

/** The service a case is filed under: the subject's, never a scraper's (kube-state-metrics' service and job). */
export function serviceOf(subject: Subject, labels: Record<string, string>): string | null {
  return subject.service ?? labels.app ?? subject.job;
}

/** What a case takes from its latest run, whether an alert or a person started it. */
function verdictColumns(summary: RunSummary) {
  return {
    classification: summary.classification,
    oneLiner: summary.oneLiner,
    impact: summary.impact,
    confidence: summary.confidence,
    noise: summary.noise,
    memoryText: caseMemoryText(summary.oneLiner, summary.topHypotheses),
  };
}

/**
 * Index a finished investigation: the case for its identity is created or updated (and reopened if
 * it was resolved — a re-fire reopens), the run is appended, and the alert's receipt points at both.
 */
export async function recordRun({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; outbound?: OutboundChannels };
  input: {
    identity: Identity;
    alert: NormalizedAlert;
    receiptId: string;
    dedupeKey: string;
    reportKey: string;
    worker: string;
    startedAt: Date;
    durationMs: number;
    timeWindow: string;
    summary: RunSummary;
    /** The top hypothesis' first evidence line, for the notifications of this run. */
    evidence?: string | null;
  };
}): Promise<{ caseId: string; runId: string }> {
  const { identity, alert, summary } = input;
  const l = alert.labels;
  const caseValues = {
    identityKey: identity.key,
    identityKind: identity.kind,
    cluster: identity.cluster,
    namespace: identity.namespace,
    title: summary.title,
    alertname: alert.alertname,
    source: alert.source ?? "alertmanager",
    family: summary.family,
    severity: l.severity ?? null,
    team: l.team ?? l.owner ?? null,
    service: serviceOf(identity.subject, l),
    targetType: summary.targetType,
    targetName: summary.targetName,
    ...verdictColumns(summary),
    labels: l,
    runCount: 1,
  };
  const [row] = await ctx.db
    .insert(cases)
    .values(caseValues)
    .onConflictDoUpdate({
      target: cases.identityKey,
      set: {
        title: caseValues.title,
        alertname: caseValues.alertname,
        source: caseValues.source,
        family: caseValues.family,
        severity: caseValues.severity,
        team: caseValues.team,
        service: caseValues.service,
        targetType: caseValues.targetType,
        targetName: caseValues.targetName,
        ...verdictColumns(summary),
        labels: caseValues.labels,
        status: "open",
        resolvedAt: null,
        runCount: sql`${cases.runCount} + 1`,
        lastSeenAt: sql`now()`,
        updatedAt: sql`now()`,
      },
    })
    .returning({ id: cases.id, runCount: cases.runCount });
  const [run] = await ctx.db
    .insert(investigationRuns)
    .values(runRow(row.id, input))
    .returning({ id: investigationRuns.id });
  await ctx.db.update(cases).set({ latestRunId: run.id }).where(eq(cases.id, row.id));
  await ctx.db
    .update(receivedAlerts)
    .set({ disposition: "investigated", caseId: row.id, runId: run.id, updatedAt: sql`now()` })
    .where(eq(receivedAlerts.id, input.receiptId));
  await enqueueCaseEvent({
    ctx,
    input: { event: row.runCount === 1 ? "case.opened" : "case.updated", caseId: row.id, evidence: input.evidence ?? null },
  });
  return { caseId: row.id, runId: run.id };
}

/**
 * Index a re-run a person asked for: the run is appended to the case it was asked on, with who asked
 * and the window, and becomes the case's latest. Unlike an alert's run it neither reopens the case
 * nor counts as the alert being seen again.
 */
export async function recordRerunRun({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; outbound?: OutboundChannels };
  input: {
    caseId: string;
    alert: NormalizedAlert;
    dedupeKey: string;
    reportKey: string;
    worker: string;
    startedAt: Date;
    durationMs: number;
    timeWindow: string;
    requestedBy: string;
    summary: RunSummary;
    /** The top hypothesis' first evidence line, for the notifications of this run. */
    evidence?: string | null;
  };
}): Promise<{ caseId: string; runId: string }> {
  const { summary } = input;
  const [run] = await ctx.db
    .insert(investigationRuns)
    .values({ ...runRow(input.caseId, input), trigger: "rerun", requestedBy: input.requestedBy })
    .returning({ id: investigationRuns.id });
  await ctx.db
    .update(cases)
    .set({
      latestRunId: run.id,
      runCount: sql`${cases.runCount} + 1`,
      ...verdictColumns(summary),
      updatedAt: sql`now()`,
    })
    .where(eq(cases.id, input.caseId));
  await enqueueCaseEvent({ ctx, input: { event: "case.updated", caseId: input.caseId, evidence: input.evidence ?? null } });
  return { caseId: input.caseId, runId: run.id };
}

type RunRowInput = {
  alert: NormalizedAlert;
  dedupeKey: string;
  reportKey: string;
  worker: string;
  startedAt: Date;
  durationMs: number;
  timeWindow?: string;
  summary: RunSummary;
};

/** The columns every succeeded run records, whether an alert or a person started it. */
function runRow(caseId: string, input: RunRowInput) {
  const { alert, summary } = input;
  return {
    caseId,
    dedupeKey: input.dedupeKey,
    alertFingerprint: alert.fingerprint,
    alertname: alert.alertname,
    family: summary.family,
    status: "succeeded" as const,
    classification: summary.classification,
    oneLiner: summary.oneLiner,
    topHypotheses: summary.topHypotheses,
    reportKey: input.reportKey,
    worker: input.worker,
    alertStartsAt: new Date(alert.startsAt),
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    timeWindow: input.timeWindow,
  };
}
