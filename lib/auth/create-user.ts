import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { recordAudit } from "./record-audit";
import { ServiceError } from "@/lib/errors";
import { invalidInput } from "@/lib/http/zod-issues";
import { requireRole, type Actor } from "./actor";
import { hashPassword } from "./password";
import { passwordProblem } from "./password-policy";
import { roles, type Role } from "./roles";
import { revokeUserSessions } from "./sessions";

export const localUserInputSchema = z
  .object({
    username: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9._@-]{1,62}$/, { message: "2-63 characters: letters, digits, . _ @ -" }),
    password: z.string().max(1024),
    role: z.enum(roles).default("viewer"),
    name: z.string().trim().max(200).optional(),
  })
  .superRefine((v, ctx) => {
    const problem = passwordProblem(v.password, v.username);
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
  });
export type LocalUserInput = z.input<typeof localUserInputSchema>;

export type UserRecord = { id: string; username: string; role: Role; created: boolean; disabled: boolean; sessionsEnded: number };

/**
 * Create a local account, or with `update` set a new password and role on an existing one
 * (the add-user script's reset path): its open sessions end, and a disabled account stays disabled
 * (enabling is set-role's `--enable`, on purpose). Without `update` an existing username is a conflict.
 * With an actor (the console and API) the caller must be an admin and the creation is audited;
 * scripts and the initial-admin bootstrap run without one.
 */
export async function createUser({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor?: Actor; now?: Date };
  input: LocalUserInput & { update?: boolean };
}): Promise<UserRecord> {
  if (ctx.actor) requireRole(ctx.actor, "admin");
  const parsed = localUserInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, "invalid user");
  const { username, password, role, name } = parsed.data;
  const passwordHash = await hashPassword(password);
  const [existing] = await ctx.db.select({ id: users.id, provider: users.provider }).from(users).where(eq(users.username, username));
  if (existing) {
    if (!input.update) throw new ServiceError("conflict", `user ${username} already exists`);
    if (existing.provider !== "local") throw new ServiceError("conflict", `user ${username} signs in with ${existing.provider}`);
    return ctx.db.transaction(async (tx) => {
      const [row] = await tx.update(users).set({ passwordHash, role }).where(eq(users.id, existing.id)).returning({ disabled: users.disabled });
      const sessionsEnded = await revokeUserSessions({ ctx: { db: tx, now: ctx.now ?? new Date() }, input: { userId: existing.id } });
      return { id: existing.id, username, role, created: false, disabled: row?.disabled ?? false, sessionsEnded };
    });
  }
  const actor = ctx.actor;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ username, name: name ?? username, role, provider: "local", passwordHash })
      .returning({ id: users.id });
    if (actor) await recordAudit({ ctx: { db: tx, actor }, input: { caseId: null, action: "user.create", after: { id: row.id, username, role } } });
    return { id: row.id, username, role, created: true, disabled: false, sessionsEnded: 0 };
  });
}
