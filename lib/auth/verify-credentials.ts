import { createHash } from "node:crypto";
import { and, eq, gte, isNull, lt, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { loginAttempts, users } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import type { Metrics } from "@/lib/metrics";
import { hashPassword, verifyPassword } from "./password";
import type { Role } from "./roles";

/**
 * Failures count per (username, client address) and per address across usernames, within the
 * window and since the pair's last success. Past the free attempts each further attempt must wait a
 * delay that doubles per failure, up to maxDelayMs: guessing from one place slows down, while the
 * same user signing in from another address is not held back by it.
 */
export const loginLimits = {
  windowMs: 60 * 60_000,
  freePerPair: 3,
  freePerAddress: 20,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
} as const;

export function throttleDelayMs(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(loginLimits.maxDelayMs, loginLimits.baseDelayMs * 2 ** Math.min(failures - free, 30));
}

/** Hashed once so unknown usernames cost as much as known ones (no user enumeration by timing). */
let dummyHash: Promise<string> | undefined;

/** Typed usernames are sometimes passwords typed in the wrong field: logs get a short hash of unknown ones. */
function logName(username: string, known: boolean): Record<string, string> {
  return known ? { username } : { usernameHash: createHash("sha256").update(username).digest("hex").slice(0, 16) };
}

type Ctx = { db: DbOrTx; now: Date; log?: Logger; metrics?: Pick<Metrics, "loginAttempts"> };

async function failuresSince(ctx: Ctx, where: ReturnType<typeof and>, attemptId: string, since: Date): Promise<{ failures: number; latest: Date | null }> {
  const [row] = await ctx.db
    .select({
      failures: sql<number>`count(*) filter (where ${loginAttempts.succeeded} is not true)`.mapWith(Number),
      latest: sql<Date | null>`max(${loginAttempts.attemptedAt}) filter (where ${loginAttempts.succeeded} is not true)`.mapWith(
        (v: string | Date | null) => (v === null ? null : new Date(v)),
      ),
    })
    .from(loginAttempts)
    .where(and(where, ne(loginAttempts.id, attemptId), gte(loginAttempts.attemptedAt, since)));
  return { failures: row?.failures ?? 0, latest: row?.latest ?? null };
}

/**
 * Check a local username/password against the throttle kept in PostgreSQL (so it holds across
 * replicas and restarts). The attempt is recorded as pending before anything is checked, so
 * concurrent guesses see each other; a throttled attempt is refused with rate_limited (its retry
 * delay in `details.retryAfterSeconds`) without verifying the password, and is not counted. Every
 * attempt deletes the attempts older than the window, so the table holds at most one window.
 */
export async function verifyCredentials({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { username: string; password: string; address: string };
}): Promise<{ id: string; username: string; name: string | null; role: Role } | null> {
  const username = input.username.trim().toLowerCase().slice(0, 200);
  const address = input.address.slice(0, 100);
  const [attempt] = await ctx.db
    .insert(loginAttempts)
    .values({ username, address, succeeded: null, attemptedAt: ctx.now })
    .returning({ id: loginAttempts.id });
  const attemptId = (attempt as { id: string }).id;
  const windowStart = new Date(ctx.now.getTime() - loginLimits.windowMs);
  // Older rows no longer count; kept, every guess from every address an attacker uses would stay for ever.
  const [[user]] = await Promise.all([
    ctx.db.select().from(users).where(eq(users.username, username)),
    ctx.db.delete(loginAttempts).where(lt(loginAttempts.attemptedAt, windowStart)),
  ]);

  const [lastSuccess] = await ctx.db
    .select({ at: sql<Date | null>`max(${loginAttempts.attemptedAt})`.mapWith((v: string | Date | null) => (v === null ? null : new Date(v))) })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.username, username), eq(loginAttempts.address, address), eq(loginAttempts.succeeded, true)));
  const pairSince = lastSuccess?.at && lastSuccess.at > windowStart ? new Date(lastSuccess.at.getTime() + 1) : windowStart;
  const [pair, fromAddress] = await Promise.all([
    failuresSince(ctx, and(eq(loginAttempts.username, username), eq(loginAttempts.address, address)), attemptId, pairSince),
    failuresSince(ctx, eq(loginAttempts.address, address), attemptId, windowStart),
  ]);
  const waitMs = Math.max(
    pair.latest ? throttleDelayMs(pair.failures, loginLimits.freePerPair) - (ctx.now.getTime() - pair.latest.getTime()) : 0,
    fromAddress.latest ? throttleDelayMs(fromAddress.failures, loginLimits.freePerAddress) - (ctx.now.getTime() - fromAddress.latest.getTime()) : 0,
  );
  if (waitMs > 0) {
    await ctx.db.delete(loginAttempts).where(eq(loginAttempts.id, attemptId));
    const retryAfterSeconds = Math.ceil(waitMs / 1000);
    ctx.metrics?.loginAttempts.inc({ outcome: "throttled" });
    ctx.log?.warn(
      { ...logName(username, !!user), address, failures: pair.failures, failuresFromAddress: fromAddress.failures, retryAfterSeconds },
      "sign-in throttled",
    );
    throw new ServiceError("rate_limited", `too many failed sign-in attempts; try again in ${retryAfterSeconds} s`, { details: { retryAfterSeconds } });
  }

  const ok =
    user && user.provider === "local" && user.passwordHash && !user.disabled
      ? await verifyPassword(input.password, user.passwordHash)
      : await verifyPassword(input.password, await (dummyHash ??= hashPassword("not-a-real-password"))).then(() => false);
  await ctx.db.update(loginAttempts).set({ succeeded: ok }).where(and(eq(loginAttempts.id, attemptId), isNull(loginAttempts.succeeded)));
  ctx.metrics?.loginAttempts.inc({ outcome: ok ? "succeeded" : "failed" });
  if (!ok || !user) {
    ctx.log?.warn({ ...logName(username, !!user), address, failures: pair.failures + 1 }, "sign-in failed");
    return null;
  }
  await ctx.db.update(users).set({ lastLoginAt: ctx.now }).where(eq(users.id, user.id));
  return { id: user.id, username: user.username, name: user.name, role: user.role };
}
