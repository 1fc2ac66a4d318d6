import { and, desc, eq, or, sql } from "drizzle-orm";
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

/** Trigram similarity below this is not "alike" for a case of another family (pg_trgm's own `%` default). */
const MIN_TEXT_SIMILARITY = 0.3;
const MAX_TEXT = 500;
/**
 * Case memory compares a new case with a bounded set of candidates, each found through an index, so
 * its cost does not grow with the number of cases: the most recent cases of the same target and of the
 * same family, and those of the most recent cases of other families whose text passes pg_trgm's `%`.
 * (A trigram index finds alike text, but rechecks every hit: thousands when one failure repeats.)
 */
const SAME_TARGET_CANDIDATES = 50;
const SAME_FAMILY_CANDIDATES = 200;
const RECENT_OTHER_FAMILIES = 1000;

/** The text a case is remembered by (`cases.memory_text`) and a new case is compared on. */
export function caseMemoryText(oneLiner: string, hypotheses: RunHypothesis[]): string {
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
      memoryText: cases.memoryText,
    })
    .from(cases)
    .where(eq(cases.id, assertCaseId(caseId)));
  if (!row) throw new ServiceError("not_found", `no case ${caseId}`);
  const { memoryText, ...rest } = row;
  return { ...rest, text: memoryText ?? "" };
}

/**
 * Case memory: past cases like this one, best first — same family and workload/service/alertname,
 * then same family, then cases whose one-liner and top hypotheses read alike (pg_trgm), among the
 * bounded candidates above — each with how it ended: resolution, the latest feedback on its report,
 * and the cause that confirms.
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
  const text = probe.text.slice(0, MAX_TEXT);
  const others = sql`${cases.identityKey} <> ${probe.identityKey}`;
  const sameTarget = sql<boolean>`(${cases.family} = ${probe.family} and (${cases.alertname} = ${probe.alertname}${
    probe.service ? sql` or ${cases.service} = ${probe.service}` : sql``
  }${probe.targetName ? sql` or ${cases.targetName} = ${probe.targetName}` : sql``}))`;
  const sameFamily = sql<boolean>`${cases.family} = ${probe.family}`;
  const similarity = sql<number>`similarity(coalesce(${cases.memoryText}, ''), ${text})`;
  const candidates = sql`(
    (select ${cases.id} from ${cases} where ${sameTarget} and ${others} order by ${cases.lastSeenAt} desc limit ${SAME_TARGET_CANDIDATES})
    union (select ${cases.id} from ${cases} where ${sameFamily} and ${others} order by ${cases.lastSeenAt} desc limit ${SAME_FAMILY_CANDIDATES})
    union (select recent.id from (select ${cases.id}, ${cases.memoryText} from ${cases} where ${cases.family} <> ${probe.family} and ${others}
           order by ${cases.lastSeenAt} desc limit ${RECENT_OTHER_FAMILIES}) recent where recent.memory_text % ${text})
  )`;
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
    .where(and(sql`${cases.id} in ${candidates}`, or(sameFamily, sql`${similarity} >= ${MIN_TEXT_SIMILARITY}`)))
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
