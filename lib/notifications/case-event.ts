import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { cases, investigationRuns, notificationOutbox, webhookEndpoints } from "@/lib/db/schema";
import type { CaseEvent } from "@/lib/db/schema/constants";
import { ServiceError } from "@/lib/errors";

/** Which channels this process feeds; webhook endpoints come from the database. */
export type OutboundChannels = { slack: boolean };

export type TopCause = { title: string; category: string; confidence: number; evidence: string | null };

/**
 * What a case notification carries, as of the change: Slack messages are rendered from it and
 * webhook receivers get it as `data`. Alert-derived strings are raw here and escaped by each channel.
 */
export type CaseEventPayload = {
  event: CaseEvent;
  occurredAt: string;
  actor: string | null;
  case: {
    id: string;
    title: string;
    status: "open" | "resolved";
    classification: string | null;
    oneLiner: string | null;
    impact: number | null;
    confidence: number | null;
    severity: string | null;
    alertname: string;
    source: string;
    cluster: string;
    namespace: string | null;
    team: string | null;
    service: string | null;
    runCount: number;
    snoozedUntil: string | null;
    resolution: Record<string, unknown> | null;
  };
  topCause: TopCause | null;
  action?: { id: string; kind: string; title: string; status: string };
};

export type CaseEventInput = {
  event: CaseEvent;
  caseId: string;
  actor?: string | null;
  /** The top hypothesis' first evidence line, known to the worker that just wrote the report. */
  evidence?: string | null;
  action?: CaseEventPayload["action"];
};

async function buildPayload(db: DbOrTx, input: CaseEventInput): Promise<CaseEventPayload> {
  const [row] = await db.select().from(cases).where(eq(cases.id, input.caseId));
  if (!row) throw new ServiceError("not_found", `no case ${input.caseId}`);
  const [run] = row.latestRunId
    ? await db.select({ top: investigationRuns.topHypotheses }).from(investigationRuns).where(eq(investigationRuns.id, row.latestRunId))
    : [];
  const top = run?.top[0];
  let evidence = input.evidence ?? null;
  if (top && evidence === null) {
    // A later event (resolve, snooze) keeps the evidence line the run's own event carried.
    const [earlier] = await db
      .select({ evidence: sql<string | null>`${notificationOutbox.payload}->'topCause'->>'evidence'` })
      .from(notificationOutbox)
      .where(and(eq(notificationOutbox.caseId, row.id), sql`${notificationOutbox.payload}->'topCause'->>'title' = ${top.title}`, isNotNull(sql`${notificationOutbox.payload}->'topCause'->>'evidence'`)))
      .orderBy(desc(notificationOutbox.seq))
      .limit(1);
    evidence = earlier?.evidence ?? null;
  }
  return {
    event: input.event,
    occurredAt: new Date().toISOString(),
    actor: input.actor ?? null,
    case: {
      id: row.id,
      title: row.title,
      status: row.status,
      classification: row.classification,
      oneLiner: row.oneLiner,
      impact: row.impact,
      confidence: row.confidence,
      severity: row.severity,
      alertname: row.alertname,
      source: row.source,
      cluster: row.cluster,
      namespace: row.namespace,
      team: row.team,
      service: row.service,
      runCount: row.runCount,
      snoozedUntil: row.snoozedUntil?.toISOString() ?? null,
      resolution: row.resolution ?? null,
    },
    topCause: top ? { title: top.title, category: top.category, confidence: top.confidence, evidence } : null,
    ...(input.action ? { action: input.action } : {}),
  };
}

/**
 * Queue a case event for every channel that wants it: Slack when configured, and each enabled webhook
 * endpoint subscribed to the event. Call it inside the transaction that made the change, so the
 * notification exists exactly when the change does; the worker's delivery loop sends it.
 */
export async function enqueueCaseEvent({ ctx, input }: { ctx: { db: DbOrTx; outbound?: OutboundChannels }; input: CaseEventInput }): Promise<number> {
  const endpoints = await ctx.db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.enabled, true), sql`${webhookEndpoints.events} @> ${JSON.stringify([input.event])}::jsonb`));
  const slack = ctx.outbound?.slack ?? false;
  if (!slack && endpoints.length === 0) return 0;
  const payload = await buildPayload(ctx.db, input);
  const rows = [
    ...(slack ? [{ channel: "slack" as const, endpointId: null }] : []),
    ...endpoints.map((e) => ({ channel: "webhook" as const, endpointId: e.id })),
  ].map((r) => ({ ...r, caseId: input.caseId, event: input.event, payload }));
  await ctx.db.insert(notificationOutbox).values(rows);
  return rows.length;
}
