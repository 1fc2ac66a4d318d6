import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { roles, type Role } from "./roles";

/**
 * Change a user's role or disable them (local or OIDC). Roles are read from the users table on every
 * request, so the change applies to open sessions at once; disabling also ends them.
 */
export async function setUserRole({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx };
  input: { username: string; role?: Role; disabled?: boolean };
}): Promise<{ username: string; role: Role; disabled: boolean }> {
  if (input.role !== undefined && !z.enum(roles).safeParse(input.role).success) {
    throw new ServiceError("invalid_input", `role must be one of ${roles.join(", ")}`);
  }
  const [row] = await ctx.db
    .update(users)
    .set({ ...(input.role ? { role: input.role } : {}), ...(input.disabled === undefined ? {} : { disabled: input.disabled }) })
    .where(eq(users.username, input.username.trim().toLowerCase()))
    .returning({ username: users.username, role: users.role, disabled: users.disabled });
  if (!row) throw new ServiceError("not_found", `no user ${input.username}`);
  return row;
}
