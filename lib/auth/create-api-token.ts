import { z } from "zod";
import type { DbOrTx } from "@/lib/db/client";
import { apiTokens } from "@/lib/db/schema";
import { recordAudit } from "./record-audit";
import { ServiceError } from "@/lib/errors";
import { invalidInput } from "@/lib/http/zod-issues";
import { requireRole, type Actor } from "./actor";
import { apiTokenPrefix, hashApiToken, newApiTokenSecret, toApiTokenSummary, type ApiTokenSummary } from "./api-token";
import { hasRole, roles } from "./roles";

export const createApiTokenInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(roles),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenInputSchema>;

/**
 * A new token for scripts and other services (admins only). The secret is returned here and never
 * again: only its SHA-256 is stored. The token's role may not exceed its creator's.
 */
export async function createApiToken({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; now: Date };
  input: CreateApiTokenInput;
}): Promise<{ token: ApiTokenSummary; secret: string }> {
  requireRole(ctx.actor, "admin");
  const parsed = createApiTokenInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, "invalid API token");
  const { name, role, expiresInDays } = parsed.data;
  if (!hasRole(ctx.actor.role, role)) throw new ServiceError("forbidden", `a ${ctx.actor.role} cannot create a ${role} token`);
  const secret = newApiTokenSecret();
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiTokens)
      .values({
        name,
        role,
        tokenHash: hashApiToken(secret).toString("hex"),
        prefix: apiTokenPrefix(secret)!,
        createdBy: ctx.actor.id,
        createdByName: ctx.actor.username,
        createdAt: ctx.now,
        expiresAt: expiresInDays ? new Date(ctx.now.getTime() + expiresInDays * 86_400_000) : null,
      })
      .returning();
    const summary = toApiTokenSummary(created);
    await recordAudit({ ctx: { db: tx, actor: ctx.actor }, input: { caseId: null, action: "api_token.create", after: summary } });
    return created;
  });
  return { token: toApiTokenSummary(row), secret };
}
