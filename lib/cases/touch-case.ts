import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { cases } from "@/lib/db/schema";

/**
 * A firing alert whose report already exists still counts as activity: the case is marked seen and,
 * if it had been resolved, reopened. Returns the case id, or null when the identity has no case yet.
 */
export async function touchCase({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx };
  input: { identityKey: string };
}): Promise<string | null> {
  const rows = await ctx.db
    .update(cases)
    .set({ status: "open", resolvedAt: null, lastSeenAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(cases.identityKey, input.identityKey))
    .returning({ id: cases.id });
  return rows[0]?.id ?? null;
}
