import { eq, sql } from "drizzle-orm";
import { assertCaseId, type CaseRow } from "@/lib/cases/case-state";
import type { DbOrTx } from "@/lib/db/client";
import { preparedQuery } from "@/lib/db/prepared";
import { cases, investigationRuns } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import type { Report } from "@/lib/investigate/report";
import type { ReportStore } from "@/lib/storage/types";
import type { ChatScope } from "./scope";

/** What a chat is about: a case with its latest report (and the scope they imply), or nothing in particular. */
export type ChatSubject = { case: CaseRow | null; report: Report | null; reportError: string | null; scope: ChatScope };

/** The case and its latest run's report key in one round trip (a turn pays for each one), prepared once. */
const caseWithReportKey = preparedQuery((db) =>
  db
    .select({ row: cases, reportKey: investigationRuns.reportKey })
    .from(cases)
    .leftJoin(investigationRuns, eq(investigationRuns.id, cases.latestRunId))
    .where(eq(cases.id, sql.placeholder("caseId")))
    .prepare("chat_case_with_report_key"),
);

export async function loadChatSubject({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; store: ReportStore };
  input: { caseId: string | null };
}): Promise<ChatSubject> {
  if (!input.caseId) return { case: null, report: null, reportError: null, scope: { kind: "global" } };
  const [found] = await caseWithReportKey(ctx.db).execute({ caseId: assertCaseId(input.caseId) });
  if (!found) throw new ServiceError("not_found", `no case ${input.caseId}`);
  const { row, reportKey } = found;
  let report: Report | null = null;
  let reportError: string | null = null;
  if (reportKey) {
    try {
      const text = await ctx.store.get(`${reportKey}.json`);
      if (text === null) reportError = `report ${reportKey}.json is missing from storage`;
      else report = JSON.parse(text) as Report;
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
