import { and, desc, eq, ne, or, sql } from "drizzle-orm";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { cases, investigationRuns, type RunHypothesis } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import type { SeenBefore } from "@/lib/investigate/report";
import { assertCaseId } from "./case-state";

/** What a new case is compared on; `text` is its one-liner and top hypotheses. */
export type SimilarityProbe = {
  identityKey: string;
  family: string;
  alertname: string;
  service: string | null;
  targetName: string | null;
  text: string;
};

/** Trigram similarity below this is not "alike" for a case of another family. */
const MIN_TEXT_SIMILARITY = 0.3;
const MAX_TEXT = 2000;

export function probeText(oneLiner: string, hypotheses: RunHypothesis[]): string {
  return [oneLiner, ...hypotheses.map((h) => `${h.title} ${h.category}`)].join(" ").slice(0, MAX_TEXT);
}

async function probeOfCase(db: DbOrTx, caseId: string): Promise<SimilarityProbe> {
  const [row] = await db
    .select({
      identityKey: cases.identityKey,
      family: cases.family,
      alertname: cases.alertname,
      service: cases.service,
      targetName: cases.targetName,
      oneLiner: cases.oneLiner,
      hypotheses: investigationRuns.topHypotheses,
    })
    .from(cases)
    .leftJoin(investigationRuns, eq(investigationRuns.id, cases.latestRunId))
    .where(eq(cases.id, assertCaseId(caseId)));
  if (!row) throw new ServiceError("not_found", `no case ${caseId}`);
  return { ...row, text: probeText(row.oneLiner ?? "", row.hypotheses ?? []) };
}

/**
 * Case memory: past cases like this one, best first — same family and workload/service/alertname,
 * then same family, then cases whose one-liner and top hypotheses read alike (pg_trgm) — each with
 * how it ended: resolution, the latest feedback on its report, and the cause that confirms.
 */
export async function findSimilarCases({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor?: Actor };
  input: ({ caseId: string } | { probe: SimilarityProbe }) & { limit?: number };
}): Promise<SeenBefore[]> {
  if ("caseId" in input) requireRole(ctx.actor, "viewer");
  const probe = "probe" in input ? input.probe : await probeOfCase(ctx.db, input.caseId);
  const limit = Math.min(Math.max(input.limit ?? 5, 1), 20);
  const hypothesisText = sql`coalesce((select string_agg((h->>'title') || ' ' || (h->>'category'), ' ') from jsonb_array_elements(${investigationRuns.topHypotheses}) h), '')`;
  const text = sql`coalesce(${cases.oneLiner}, '') || ' ' || ${hypothesisText}`;
  const similarity = sql<number>`similarity(${text}, ${probe.text.slice(0, MAX_TEXT)})`;
  const sameFamily = sql<boolean>`${cases.family} = ${probe.family}`;
  const sameTarget = sql<boolean>`(${cases.family} = ${probe.family} and (${cases.alertname} = ${probe.alertname}${
    probe.service ? sql` or ${cases.service} = ${probe.service}` : sql``
  }${probe.targetName ? sql` or ${cases.targetName} = ${probe.targetName}` : sql``}))`;
  const rows = await ctx.db
    .select({
      id: cases.id,
      title: cases.title,
      family: cases.family,
      alertname: cases.alertname,
      status: cases.status,
      lastSeenAt: cases.lastSeenAt,
      resolution: cases.resolution,
      hypotheses: investigationRuns.topHypotheses,
      sameTarget,
      sameFamily,
      similarity,
      feedback: sql<Record<string, unknown> | null>`(select a.after from audit_events a where a.case_id = ${cases.id} and a.action = 'feedback' order by a.created_at desc limit 1)`,
    })
    .from(cases)
    .leftJoin(investigationRuns, eq(investigationRuns.id, cases.latestRunId))
    .where(and(ne(cases.identityKey, probe.identityKey), or(eq(cases.family, probe.family), sql`${similarity} >= ${MIN_TEXT_SIMILARITY}`)))
    .orderBy(desc(sameTarget), desc(sameFamily), desc(similarity), desc(cases.lastSeenAt))
    .limit(limit);
  return rows.map((r) => {
    const top = r.hypotheses?.[0] ?? null;
    const res = r.resolution;
    const verdict = r.feedback?.verdict === "correct" || r.feedback?.verdict === "wrong" ? r.feedback.verdict : null;
    const cause = typeof r.feedback?.cause === "string" ? r.feedback.cause : null;
    const resolutionCategory = typeof res?.category === "string" ? res.category : null;
    let confirmedCategory: string | null = cause;
    if (!confirmedCategory && verdict === "correct") confirmedCategory = top?.category ?? null;
    if (!confirmedCategory && !verdict && (resolutionCategory === "false_positive" || resolutionCategory === "expected")) confirmedCategory = "noise";
    const rejectedCategory = verdict === "wrong" && top && top.category !== cause ? top.category : null;
    return {
      caseId: r.id,
      title: r.title,
      family: r.family,
      alertname: r.alertname,
      status: r.status,
      lastSeenAt: new Date(r.lastSeenAt).toISOString(),
      match: r.sameTarget ? "same_target" : r.sameFamily ? "same_family" : "similar_text",
      similarity: Math.round(Math.max(0, Math.min(1, Number(r.similarity))) * 100) / 100,
      topHypothesis: top ? { category: top.category, title: top.title } : null,
      resolution: res && resolutionCategory ? { category: resolutionCategory, summary: String(res.summary ?? ""), by: String(res.by ?? "") } : null,
      feedback: verdict ? { verdict, cause } : null,
      confirmedCategory,
      rejectedCategory,
    } satisfies SeenBefore;
  });
}
