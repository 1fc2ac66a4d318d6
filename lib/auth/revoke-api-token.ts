import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/lib/db/client";
import { apiTokens } from "@/lib/db/schema";
import { recordAudit } from "./record-audit";
import { ServiceError } from "@/lib/errors";
import { requireRole, type Actor } from "./actor";
import { toApiTokenSummary, type ApiTokenSummary } from "./api-token";

/** Revoke a token (admins only); it stops working on its next request. */
export async function revokeApiToken({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; now: Date };
  input: { id: string };
}): Promise<ApiTokenSummary> {
  requireRole(ctx.actor, "admin");
  if (!z.uuid().safeParse(input.id).success) throw new ServiceError("not_found", `no API token ${input.id}`);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(apiTokens).where(eq(apiTokens.id, input.id)).for("update");
    if (!row) throw new ServiceError("not_found", `no API token ${input.id}`);
    if (row.revokedAt) throw new ServiceError("conflict", `API token ${row.name} is already revoked`);
    const [revoked] = await tx.update(apiTokens).set({ revokedAt: ctx.now }).where(eq(apiTokens.id, row.id)).returning();
    await recordAudit({
      ctx: { db: tx, actor: ctx.actor },
      input: { caseId: null, action: "api_token.revoke", before: toApiTokenSummary(row), after: toApiTokenSummary(revoked) },
    });
    return toApiTokenSummary(revoked);
  });
}
