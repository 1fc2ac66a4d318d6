import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { recordAudit } from "./record-audit";
import { ServiceError } from "@/lib/errors";
import { invalidInput } from "@/lib/http/zod-issues";
import { requireRole, type Actor } from "./actor";
import { toUserSummary, type UserSummary } from "./list-users";
import { roles } from "./roles";
import { revokeUserSessions } from "./sessions";

export const updateUserInputSchema = z
  .object({ role: z.enum(roles).optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((v) => v.role !== undefined || v.disabled !== undefined, { message: "give role, disabled or both" });
export type UpdateUserInput = z.infer<typeof updateUserInputSchema>;

/**
 * Change a user's role or enable/disable them (admins only, audited). An admin may not demote or
 * disable themself, so the console always keeps the admin who is using it. Disabling ends the
 * user's sessions in the same transaction.
 */
export async function updateUser({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; now: Date };
  input: UpdateUserInput & { id: string };
}): Promise<UserSummary> {
  requireRole(ctx.actor, "admin");
  const { id, ...changes } = input;
  const parsed = updateUserInputSchema.safeParse(changes);
  if (!parsed.success) throw invalidInput(parsed.error, "invalid user change");
  const { role, disabled } = parsed.data;
  if (!z.uuid().safeParse(id).success) throw new ServiceError("not_found", `no user ${id}`);
  if (id === ctx.actor.id && ((role !== undefined && role !== "admin") || disabled === true)) {
    throw new ServiceError("forbidden", "you cannot demote or disable yourself; ask another admin");
  }
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(users).where(eq(users.id, id)).for("update");
    if (!row) throw new ServiceError("not_found", `no user ${id}`);
    const [updated] = await tx
      .update(users)
      .set({ ...(role === undefined ? {} : { role }), ...(disabled === undefined ? {} : { disabled }) })
      .where(eq(users.id, id))
      .returning();
    if (disabled === true) await revokeUserSessions({ ctx: { db: tx, now: ctx.now }, input: { userId: id } });
    const before = toUserSummary(row);
    const after = toUserSummary(updated);
    await recordAudit({
      ctx: { db: tx, actor: ctx.actor },
      input: {
        caseId: null,
        action: "user.update",
        before: { id, username: before.username, role: before.role, disabled: before.disabled },
        after: { id, username: after.username, role: after.role, disabled: after.disabled },
      },
    });
    return after;
  });
}
