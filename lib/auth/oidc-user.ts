import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";

export type OidcProfile = { email?: string | null; email_verified?: boolean | string | null; hd?: string | null; name?: string | null };

/**
 * Is this OIDC profile admitted? Only a verified e-mail counts, and its domain (or Google's `hd`
 * hosted-domain claim) must be in the allow list. An empty list admits nobody: the console must not
 * open to every Google account by accident.
 */
export function checkAllowedDomain(profile: OidcProfile, allowedDomains: string[]): { ok: true; email: string } | { ok: false; reason: string } {
  const email = profile.email?.trim().toLowerCase();
  const verified = profile.email_verified === true || profile.email_verified === "true";
  if (!email || !verified) return { ok: false, reason: "unverified_email" };
  const allowed = allowedDomains.map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean);
  if (allowed.length === 0) return { ok: false, reason: "no_domains_configured" };
  const domain = email.slice(email.lastIndexOf("@") + 1);
  const hd = profile.hd?.trim().toLowerCase();
  if (allowed.includes(domain) || (hd !== undefined && allowed.includes(hd))) return { ok: true, email };
  return { ok: false, reason: "domain_not_allowed" };
}

/** First sign-in creates a viewer; later sign-ins refresh the name. Disabled users are refused. */
export async function upsertOidcUser({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; now: Date };
  input: { email: string; name: string | null };
}): Promise<{ id: string }> {
  const [row] = await ctx.db
    .insert(users)
    .values({ username: input.email, email: input.email, name: input.name, role: "viewer", provider: "google", lastLoginAt: ctx.now })
    .onConflictDoUpdate({ target: users.username, set: { name: sql`coalesce(excluded.name, ${users.name})`, lastLoginAt: ctx.now } })
    .returning({ id: users.id, provider: users.provider, disabled: users.disabled });
  if (row.provider !== "google") throw new ServiceError("conflict", `${input.email} is a local account`);
  if (row.disabled) throw new ServiceError("forbidden", `${input.email} is disabled`);
  return { id: row.id };
}

export async function findUserId({ ctx, input }: { ctx: { db: DbOrTx }; input: { username: string } }): Promise<string | null> {
  const [row] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, input.username.toLowerCase()));
  return row?.id ?? null;
}
