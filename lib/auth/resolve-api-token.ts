import { timingSafeEqual } from "node:crypto";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { preparedQuery } from "@/lib/db/prepared";
import { apiTokens, users } from "@/lib/db/schema";
import type { Actor } from "./actor";
import { apiTokenPrefix, hashApiToken } from "./api-token";
import { roleRank, type Role } from "./roles";

/** `last_used_at` is refreshed at most this often, so a busy script does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Every request with a token reads its candidates: prepared once (see preparedQuery). */
const tokensWithPrefix = preparedQuery((db) =>
  db
    .select({ token: apiTokens, creator: { role: users.role, disabled: users.disabled } })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .where(eq(apiTokens.prefix, sql.placeholder("prefix")))
    .prepare("api_tokens_with_prefix"),
);

/**
 * The actor behind `tarka_<secret>`, or null when the token is malformed, unknown, revoked, expired,
 * or its creator is disabled. The token acts with its own role, capped by its creator's current role.
 */
export async function resolveApiToken({ ctx, input }: { ctx: { db: DbOrTx; now: Date }; input: { token: string } }): Promise<Actor | null> {
  const prefix = apiTokenPrefix(input.token);
  if (!prefix) return null;
  const given = hashApiToken(input.token);
  const candidates = await tokensWithPrefix(ctx.db).execute({ prefix });
  const match = candidates.find((c) => timingSafeEqual(Buffer.from(c.token.tokenHash, "hex"), given));
  if (!match) return null;
  const { token, creator } = match;
  if (token.revokedAt || (token.expiresAt && token.expiresAt <= ctx.now)) return null;
  if (token.createdBy && (!creator || creator.disabled)) return null;
  const role: Role = creator && roleRank(creator.role) < roleRank(token.role) ? creator.role : token.role;
  // The row just read says whether the refresh is due; most requests of a busy script skip the round trip.
  const staleBefore = new Date(ctx.now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!token.lastUsedAt || token.lastUsedAt < staleBefore) {
    await ctx.db
      .update(apiTokens)
      .set({ lastUsedAt: ctx.now })
      .where(and(eq(apiTokens.id, token.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore))));
  }
  return { id: token.createdBy, username: `token:${token.name}`, name: `API token ${token.name} (${token.prefix}…)`, role, sessionId: null };
}
