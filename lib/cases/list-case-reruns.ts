import { desc, eq } from "drizzle-orm";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { caseReruns } from "@/lib/db/schema";
import { assertCaseId } from "./case-state";
import { toRerunView, type RerunView } from "./request-rerun";

/** The case's re-runs, newest first: the console polls this while one is queued or running. */
export async function listCaseReruns({ ctx, input }: { ctx: { db: DbOrTx; actor: Actor }; input: { caseId: string; limit?: number } }): Promise<RerunView[]> {
  requireRole(ctx.actor, "viewer");
  const rows = await ctx.db
    .select()
    .from(caseReruns)
    .where(eq(caseReruns.caseId, assertCaseId(input.caseId)))
    .orderBy(desc(caseReruns.requestedAt))
    .limit(input.limit ?? 20);
  return rows.map(toRerunView);
}
