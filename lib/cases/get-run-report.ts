import { eq } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { investigationRuns } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import type { Report } from "@/lib/investigate/report";
import type { ReportStore } from "@/lib/storage/types";

export const reportFormats = ["json", "md"] as const;
export type ReportFormat = (typeof reportFormats)[number];

export type RunReport =
  | { format: "json"; runId: string; caseId: string; report: Report }
  | { format: "md"; runId: string; caseId: string; filename: string; markdown: string };

/** A run's stored report, as JSON or as the Markdown rendering written next to it. */
export async function getRunReport({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; store: ReportStore; actor: Actor };
  input: { runId: string; format: ReportFormat };
}): Promise<RunReport> {
  requireRole(ctx.actor, "viewer");
  if (!z.uuid().safeParse(input.runId).success) throw new ServiceError("not_found", `no run ${input.runId}`);
  const [run] = await ctx.db.select().from(investigationRuns).where(eq(investigationRuns.id, input.runId));
  if (!run) throw new ServiceError("not_found", `no run ${input.runId}`);
  if (!run.reportKey) throw new ServiceError("not_found", `run ${run.id} has no report`);
  const text = await ctx.store.get(`${run.reportKey}.${input.format}`);
  if (text === null) throw new ServiceError("not_found", `report ${run.reportKey}.${input.format} is missing from storage`);
  if (input.format === "md") {
    const filename = `${run.reportKey.split("/").pop() ?? run.id}.md`;
    return { format: "md", runId: run.id, caseId: run.caseId, filename, markdown: text };
  }
  try {
    return { format: "json", runId: run.id, caseId: run.caseId, report: JSON.parse(text) as Report };
  } catch (e) {
    throw new ServiceError("internal", `report ${run.reportKey}.json is not valid JSON`, { cause: e });
  }
}
