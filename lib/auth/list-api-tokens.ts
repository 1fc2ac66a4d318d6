import { desc } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { apiTokens } from "@/lib/db/schema";
import { requireRole, type Actor } from "./actor";
import { toApiTokenSummary, type ApiTokenSummary } from "./api-token";

/** Every token, newest first, revoked and expired ones included (admins only); never the secrets. */
export async function listApiTokens({ ctx }: { ctx: { db: DbOrTx; actor: Actor } }): Promise<{ items: ApiTokenSummary[] }> {
  requireRole(ctx.actor, "admin");
  const rows = await ctx.db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return { items: rows.map(toApiTokenSummary) };
}
