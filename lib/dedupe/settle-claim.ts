import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { dedupeClaims } from "@/lib/db/schema";

/**
 * Mark a claim done. Fenced on `owner`: returns false when another worker took the claim over
 * (our lease ran out), in which case the caller must not record its run.
 */
export async function completeClaim({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx };
  input: { key: string; owner: string; reportKey: string };
}): Promise<boolean> {
  const rows = await ctx.db
    .update(dedupeClaims)
    .set({ state: "done", completedAt: sql`now()`, reportKey: input.reportKey })
    .where(and(eq(dedupeClaims.key, input.key), eq(dedupeClaims.owner, input.owner)))
    .returning({ key: dedupeClaims.key });
  return rows.length > 0;
}

/** Keep a long investigation's lease alive. */
export async function extendClaim({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx };
  input: { key: string; owner: string; leaseMs: number };
}): Promise<void> {
  await ctx.db
    .update(dedupeClaims)
    .set({ leaseUntil: sql`now() + ${`${input.leaseMs} milliseconds`}::interval` })
    .where(and(eq(dedupeClaims.key, input.key), eq(dedupeClaims.owner, input.owner), eq(dedupeClaims.state, "running")));
}

/** Give a claim back after a failed attempt, so the retry can take it at once instead of waiting out the lease. */
export async function releaseClaim({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx };
  input: { key: string; owner: string };
}): Promise<void> {
  await ctx.db
    .update(dedupeClaims)
    .set({ leaseUntil: sql`now() - interval '1 second'` })
    .where(and(eq(dedupeClaims.key, input.key), eq(dedupeClaims.owner, input.owner), eq(dedupeClaims.state, "running")));
}
