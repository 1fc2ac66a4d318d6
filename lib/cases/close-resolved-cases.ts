import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { cases, receivedAlerts } from "@/lib/db/schema";

/** Resolved alerts close the open cases their earlier firing alerts were filed under. */
export async function closeResolvedCases({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx };
  input: { fingerprints: string[]; by?: string };
}): Promise<number> {
  if (input.fingerprints.length === 0) return 0;
  const linked = ctx.db
    .selectDistinct({ id: receivedAlerts.caseId })
    .from(receivedAlerts)
    .where(and(inArray(receivedAlerts.fingerprint, input.fingerprints), isNotNull(receivedAlerts.caseId)));
  const closed = await ctx.db
    .update(cases)
    .set({
      status: "resolved",
      resolvedAt: sql`now()`,
      updatedAt: sql`now()`,
      resolution: { by: input.by ?? "alertmanager", reason: "alert resolved" },
    })
    .where(and(eq(cases.status, "open"), inArray(cases.id, linked)))
    .returning({ id: cases.id });
  return closed.length;
}
