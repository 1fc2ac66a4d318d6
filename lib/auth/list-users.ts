import { asc } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { requireRole, type Actor } from "./actor";
import type { Role } from "./roles";

/** What the console and the API show of a user; never the password hash. */
export type UserSummary = {
  id: string;
  username: string;
  name: string | null;
  email: string | null;
  role: Role;
  provider: "local" | "google";
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
};

export function toUserSummary(row: typeof users.$inferSelect): UserSummary {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    email: row.email,
    role: row.role,
    provider: row.provider,
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}

/** Every user, local and OIDC, disabled ones included, by username (admins only). */
export async function listUsers({ ctx }: { ctx: { db: DbOrTx; actor: Actor } }): Promise<{ items: UserSummary[] }> {
  requireRole(ctx.actor, "admin");
  const rows = await ctx.db.select().from(users).orderBy(asc(users.username));
  return { items: rows.map(toUserSummary) };
}
