import { and, count, eq, gte } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { loginAttempts, users } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "./password";
import type { Role } from "./roles";

export const loginLimits = { windowMs: 15 * 60_000, perUsername: 5, perAddress: 30 } as const;

/** Hashed once so unknown usernames cost as much as known ones (no user enumeration by timing). */
let dummyHash: Promise<string> | undefined;

/**
 * Check a local username/password. Failed attempts are counted in PostgreSQL per username and per
 * client address, so the limit holds across replicas and restarts; over the limit → rate_limited.
 */
export async function verifyCredentials({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; now: Date };
  input: { username: string; password: string; address: string };
}): Promise<{ id: string; username: string; name: string | null; role: Role } | null> {
  const username = input.username.trim().toLowerCase().slice(0, 200);
  const since = new Date(ctx.now.getTime() - loginLimits.windowMs);
  const failures = (where: ReturnType<typeof eq>) =>
    ctx.db
      .select({ n: count() })
      .from(loginAttempts)
      .where(and(where, eq(loginAttempts.succeeded, false), gte(loginAttempts.attemptedAt, since)))
      .then((r) => Number(r[0]?.n ?? 0));
  const [byUser, byAddress] = await Promise.all([failures(eq(loginAttempts.username, username)), failures(eq(loginAttempts.address, input.address))]);
  if (byUser >= loginLimits.perUsername || byAddress >= loginLimits.perAddress) {
    throw new ServiceError("rate_limited", "too many failed sign-in attempts; try again in 15 minutes");
  }
  const [user] = await ctx.db.select().from(users).where(eq(users.username, username));
  const ok =
    user && user.provider === "local" && user.passwordHash && !user.disabled
      ? await verifyPassword(input.password, user.passwordHash)
      : await verifyPassword(input.password, await (dummyHash ??= hashPassword("not-a-real-password"))).then(() => false);
  await ctx.db.insert(loginAttempts).values({ username, address: input.address, succeeded: ok, attemptedAt: ctx.now });
  if (!ok || !user) return null;
  await ctx.db.update(users).set({ lastLoginAt: ctx.now }).where(eq(users.id, user.id));
  return { id: user.id, username: user.username, name: user.name, role: user.role };
}
