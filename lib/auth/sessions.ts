import { randomBytes } from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/lib/db/client";
import { preparedQuery } from "@/lib/db/prepared";
import { sessions, users } from "@/lib/db/schema";
import type { Actor } from "./actor";

export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

/** A server-side session for a signed-in user; the JWT cookie carries only its id. */
export async function createSession({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; now: Date };
  input: { userId: string };
}): Promise<{ id: string; csrfToken: string }> {
  const csrfToken = randomBytes(24).toString("base64url");
  const [row] = await ctx.db
    .insert(sessions)
    .values({ userId: input.userId, csrfToken, createdAt: ctx.now, expiresAt: new Date(ctx.now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) })
    .returning({ id: sessions.id });
  return { id: row.id, csrfToken };
}

/** Every console request reads its session: prepared once (see preparedQuery). */
const liveSession = preparedQuery((db) =>
  db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder("sessionId")), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql.placeholder("now")), eq(users.disabled, false)))
    .prepare("live_session"),
);

/** The actor behind a session id, or null when the session is unknown, revoked, expired or its user disabled. */
export async function resolveSession({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; now: Date };
  input: { sessionId: string };
}): Promise<{ actor: Actor; csrfToken: string } | null> {
  if (!z.uuid().safeParse(input.sessionId).success) return null;
  const [row] = await liveSession(ctx.db).execute({ sessionId: input.sessionId, now: ctx.now.toISOString() });
  if (!row) return null;
  return {
    actor: { id: row.user.id, username: row.user.username, name: row.user.name, role: row.user.role, sessionId: row.session.id },
    csrfToken: row.session.csrfToken,
  };
}

export async function revokeSession({ ctx, input }: { ctx: { db: DbOrTx; now: Date }; input: { sessionId: string } }): Promise<void> {
  if (!z.uuid().safeParse(input.sessionId).success) return;
  await ctx.db.update(sessions).set({ revokedAt: ctx.now }).where(and(eq(sessions.id, input.sessionId), isNull(sessions.revokedAt)));
}

/** End every session of a user (role change, disabling, "sign out everywhere"). */
export async function revokeUserSessions({ ctx, input }: { ctx: { db: DbOrTx; now: Date }; input: { userId: string } }): Promise<number> {
  const rows = await ctx.db
    .update(sessions)
    .set({ revokedAt: ctx.now })
    .where(and(eq(sessions.userId, input.userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length;
}
