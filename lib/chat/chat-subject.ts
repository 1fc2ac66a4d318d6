import { eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { assertCaseId, type CaseRow } from "@/lib/cases/case-state";
import { getRunReport } from "@/lib/cases/get-run-report";
import type { DbOrTx } from "@/lib/db/client";
import { cases } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import type { Report } from "@/lib/investigate/report";
import type { ReportStore } from "@/lib/storage/types";
import type { ChatScope } from "./scope";

/** What a chat is about: a case with its latest report (and the scope they imply), or nothing in particular. */
export type ChatSubject = { case: CaseRow | null; report: Report | null; reportError: string | null; scope: ChatScope };

export async function loadChatSubject({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; store: ReportStore; actor: Actor };
  input: { caseId: string | null };
}): Promise<ChatSubject> {
  if (!input.caseId) return { case: null, report: null, reportError: null, scope: { kind: "global" } };
  const [row] = await ctx.db.select().from(cases).where(eq(cases.id, assertCaseId(input.caseId)));
  if (!row) throw new ServiceError("not_found", `no case ${input.caseId}`);
  let report: Report | null = null;
  let reportError: string | null = null;
  if (row.latestRunId) {
    try {
      const out = await getRunReport({ ctx, input: { runId: row.latestRunId, format: "json" } });
      if (out.format === "json") report = out.report;
    } catch (e) {
      reportError = e instanceof Error ? e.message : String(e);
    }
  }
  const target = report?.target;
  return {
    case: row,
    report,
    reportError,
    scope: {
      kind: "case",
      caseId: row.id,
      cluster: row.cluster,
      namespace: row.namespace ?? target?.namespace ?? null,
      node: target?.node ?? (row.targetType === "node" ? row.targetName : null),
      pod: target?.pod ?? (row.targetType === "pod" ? row.targetName : null),
      container: target?.container ?? null,
    },
  };
}
