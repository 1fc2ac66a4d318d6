import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { createUser } from "./create-user";

/**
 * Create the first admin from ADMIN_INITIAL_USERNAME/PASSWORD when that user does not exist yet.
 * An existing account is left alone, so changing the variable never resets a password.
 */
export async function ensureInitialAdmin({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx };
  input: { username?: string; password?: string };
}): Promise<"created" | "exists" | "not_configured"> {
  if (!input.username || !input.password) return "not_configured";
  const username = input.username.trim().toLowerCase();
  const [existing] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, username));
  if (existing) return "exists";
  try {
    await createUser({ ctx, input: { username, password: input.password, role: "admin" } });
    return "created";
  } catch (e) {
    // Two replicas starting together: the other one created it.
    const [now] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, username));
    if (now) return "exists";
    throw e;
  }
}
