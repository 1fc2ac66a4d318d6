import { desc, eq } from "drizzle-orm";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { auditEvents, cases, investigationRuns } from "@/lib/db/schema";
import type { RunTrigger } from "@/lib/db/schema/constants";
import { ServiceError } from "@/lib/errors";
import { assertCaseId } from "./case-state";
import { caseChatUsage } from "./chat-usage";
import { toCaseSummary, type CaseSummary } from "./list-cases";

export type RunSummary = {
  id: string;
  status: string;
  alertname: string;
  family: string;
  classification: string | null;
  oneLiner: string | null;
  hasReport: boolean;
  worker: string;
  alertStartsAt: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  trigger: RunTrigger;
  timeWindow: string | null;
  requestedBy: string | null;
};

export type AuditEntry = {
  id: string;
  actor: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
};

export type CaseDetail = CaseSummary & {
  identityKey: string;
  /** Where the latest alert came from: "alertmanager" or a configured source id (HTTP_SOURCES_FILE). */
  source: string;
  labels: Record<string, string>;
  resolution: Record<string, unknown> | null;
  runs: RunSummary[];
  audit: AuditEntry[];
  /** Model tokens and estimated cost of every chat turn about this case (CHAT_CASE_TOKEN_BUDGET counts the tokens). */
  chatUsage: { tokens: number; costUsd: number };
};

/** A case with its runs (newest first) and its audit trail (newest first). */
export async function getCase({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; now: Date };
  input: { caseId: string };
}): Promise<CaseDetail> {
  requireRole(ctx.actor, "viewer");
  const [row] = await ctx.db.select().from(cases).where(eq(cases.id, assertCaseId(input.caseId)));
  if (!row) throw new ServiceError("not_found", `no case ${input.caseId}`);
  const [runs, audit, chatUsage] = await Promise.all([
    ctx.db.select().from(investigationRuns).where(eq(investigationRuns.caseId, row.id)).orderBy(desc(investigationRuns.finishedAt)).limit(200),
    ctx.db.select().from(auditEvents).where(eq(auditEvents.caseId, row.id)).orderBy(desc(auditEvents.createdAt)).limit(500),
    caseChatUsage(ctx.db, row.id),
  ]);
  return {
    ...toCaseSummary(row, ctx.now),
    identityKey: row.identityKey,
    source: row.source,
    labels: row.labels,
    resolution: row.resolution ?? null,
    runs: runs.map((r) => ({
      id: r.id,
      status: r.status,
      alertname: r.alertname,
      family: r.family,
      classification: r.classification,
      oneLiner: r.oneLiner,
      hasReport: r.reportKey !== null,
      worker: r.worker,
      alertStartsAt: r.alertStartsAt.toISOString(),
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt.toISOString(),
      durationMs: r.durationMs,
      trigger: r.trigger,
      timeWindow: r.timeWindow,
      requestedBy: r.requestedBy,
    })),
    audit: audit.map((a) => ({
      id: a.id,
      actor: a.actorName,
      action: a.action,
      before: a.before ?? null,
      after: a.after ?? null,
      at: a.createdAt.toISOString(),
    })),
    chatUsage,
  };
}
