import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { users } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { requireRole } from "./actor";
import { createUser } from "./create-user";
import { anonymousCsrfToken, assertCsrf } from "./csrf";
import { ensureInitialAdmin } from "./ensure-initial-admin";
import { checkAllowedDomain, upsertOidcUser } from "./oidc-user";
import { hashPassword, verifyPassword } from "./password";
import { createSession, resolveSession, revokeSession, revokeUserSessions } from "./sessions";
import { setUserRole } from "./set-user-role";
import { loginLimits, verifyCredentials } from "./verify-credentials";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const uniq = (p: string) => `${p}-${randomBytes(3).toString("hex")}`;
const PASSWORD = "correct horse battery";

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
    return "ok";
  } catch (e) {
    if (e instanceof ServiceError) return e.code;
    throw e;
  }
}

describe("passwords", () => {
  it("hashes with scrypt and a salt, verifies the right password only", async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword("correct horse battery!", a)).toBe(false);
    expect(await verifyPassword(PASSWORD, "md5$abc")).toBe(false);
  });
});

describe("local users and sign-in", () => {
  it("creates users with a normalised name, refuses duplicates and weak input, resets with update", async () => {
    const name = uniq("Alice");
    const u = await createUser({ ctx: { db: t.db }, input: { username: name, password: PASSWORD, role: "responder" } });
    expect(u).toMatchObject({ username: name.toLowerCase(), role: "responder", created: true });
    expect(await codeOf(createUser({ ctx: { db: t.db }, input: { username: name, password: PASSWORD } }))).toBe("conflict");
    expect(await codeOf(createUser({ ctx: { db: t.db }, input: { username: uniq("bob"), password: "short" } }))).toBe("invalid_input");
    expect(await codeOf(createUser({ ctx: { db: t.db }, input: { username: "a b", password: PASSWORD } }))).toBe("invalid_input");
    const reset = await createUser({ ctx: { db: t.db }, input: { username: name, password: "another long password", role: "admin", update: true } });
    expect(reset).toMatchObject({ id: u.id, role: "admin", created: false });
  });

  it("creates the initial admin once and never resets it", async () => {
    const username = uniq("admin");
    expect(await ensureInitialAdmin({ ctx: { db: t.db }, input: {} })).toBe("not_configured");
    expect(await ensureInitialAdmin({ ctx: { db: t.db }, input: { username, password: PASSWORD } })).toBe("created");
    expect(await ensureInitialAdmin({ ctx: { db: t.db }, input: { username, password: "a different password" } })).toBe("exists");
    const now = new Date();
    const ok = await verifyCredentials({ ctx: { db: t.db, now }, input: { username, password: PASSWORD, address: uniq("ip") } });
    expect(ok).toMatchObject({ username, role: "admin" });
  });

  it("rejects wrong passwords and disabled users, and rate-limits per username after repeated failures", async () => {
    const username = uniq("carol");
    await createUser({ ctx: { db: t.db }, input: { username, password: PASSWORD } });
    const now = new Date();
    const attempt = (password: string, address = uniq("ip")) => verifyCredentials({ ctx: { db: t.db, now }, input: { username, password, address } });
    expect(await attempt("wrong password!!")).toBeNull();
    expect(await attempt(PASSWORD)).toMatchObject({ username, role: "viewer" });
    for (let i = 1; i < loginLimits.perUsername; i++) expect(await attempt("wrong password!!")).toBeNull();
    expect(await codeOf(attempt(PASSWORD))).toBe("rate_limited");
    const later = new Date(now.getTime() + loginLimits.windowMs + 1000);
    expect(await verifyCredentials({ ctx: { db: t.db, now: later }, input: { username, password: PASSWORD, address: "x" } })).not.toBeNull();
    await t.db.update(users).set({ disabled: true }).where(eq(users.username, username));
    expect(await verifyCredentials({ ctx: { db: t.db, now: later }, input: { username, password: PASSWORD, address: "x" } })).toBeNull();
    expect(await verifyCredentials({ ctx: { db: t.db, now }, input: { username: uniq("nobody"), password: PASSWORD, address: "z" } })).toBeNull();
  });

  it("rate-limits per client address across usernames", async () => {
    const address = uniq("10.0.0");
    const now = new Date();
    for (let i = 0; i < loginLimits.perAddress; i++) {
      await verifyCredentials({ ctx: { db: t.db, now }, input: { username: uniq("ghost"), password: "nope nope nope", address } });
    }
    expect(await codeOf(verifyCredentials({ ctx: { db: t.db, now }, input: { username: uniq("ghost"), password: "x", address } }))).toBe("rate_limited");
  });
});

describe("sessions", () => {
  it("resolve to the user until revoked, expired, or the user is disabled", async () => {
    const u = await createUser({ ctx: { db: t.db }, input: { username: uniq("dave"), password: PASSWORD, role: "responder" } });
    const now = new Date();
    const s = await createSession({ ctx: { db: t.db, now }, input: { userId: u.id } });
    const r = await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: s.id } });
    expect(r).toEqual({ actor: { id: u.id, username: u.username, name: u.username, role: "responder", sessionId: s.id }, csrfToken: s.csrfToken });
    expect(await resolveSession({ ctx: { db: t.db, now: new Date(now.getTime() + 13 * 3600_000) }, input: { sessionId: s.id } })).toBeNull();
    await revokeSession({ ctx: { db: t.db, now }, input: { sessionId: s.id } });
    expect(await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: s.id } })).toBeNull();
    const s2 = await createSession({ ctx: { db: t.db, now }, input: { userId: u.id } });
    const s3 = await createSession({ ctx: { db: t.db, now }, input: { userId: u.id } });
    expect(await revokeUserSessions({ ctx: { db: t.db, now }, input: { userId: u.id } })).toBe(2);
    expect(await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: s3.id } })).toBeNull();
    expect(s2.csrfToken).not.toBe(s3.csrfToken);
    expect(await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: "not-a-uuid" } })).toBeNull();
  });
});

describe("setUserRole", () => {
  it("promotes a user for open sessions at once, disables them, and says when the user is unknown", async () => {
    const u = await createUser({ ctx: { db: t.db }, input: { username: uniq("gina"), password: PASSWORD } });
    const now = new Date();
    const s = await createSession({ ctx: { db: t.db, now }, input: { userId: u.id } });
    expect(await setUserRole({ ctx: { db: t.db }, input: { username: u.username.toUpperCase(), role: "responder" } })).toEqual({ username: u.username, role: "responder", disabled: false });
    expect((await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: s.id } }))?.actor.role).toBe("responder");
    await setUserRole({ ctx: { db: t.db }, input: { username: u.username, disabled: true } });
    expect(await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: s.id } })).toBeNull();
    expect(await codeOf(setUserRole({ ctx: { db: t.db }, input: { username: uniq("nobody"), role: "admin" } }))).toBe("not_found");
    expect(await codeOf(setUserRole({ ctx: { db: t.db }, input: { username: u.username, role: "root" as never } }))).toBe("invalid_input");
  });
});

describe("OIDC admission", () => {
  it("admits verified e-mails of allowed domains (or hd), refuses everything else with a reason", () => {
    expect(checkAllowedDomain({ email: "Ann@Example.com", email_verified: true }, ["example.com"])).toEqual({ ok: true, email: "ann@example.com" });
    expect(checkAllowedDomain({ email: "ann@alias.io", email_verified: true, hd: "example.com" }, ["example.com"])).toMatchObject({ ok: true });
    expect(checkAllowedDomain({ email: "ann@example.com", email_verified: false }, ["example.com"])).toEqual({ ok: false, reason: "unverified_email" });
    expect(checkAllowedDomain({ email: "eve@evil.com", email_verified: true }, ["example.com"])).toEqual({ ok: false, reason: "domain_not_allowed" });
    expect(checkAllowedDomain({ email: "eve@example.com.evil.com", email_verified: true }, ["example.com"])).toMatchObject({ ok: false });
    expect(checkAllowedDomain({ email: "ann@example.com", email_verified: true }, [])).toEqual({ ok: false, reason: "no_domains_configured" });
  });

  it("creates a viewer on first sign-in and refuses disabled or local accounts", async () => {
    const email = `${uniq("erin")}@example.com`;
    const a = await upsertOidcUser({ ctx: { db: t.db, now: new Date() }, input: { email, name: "Erin" } });
    const b = await upsertOidcUser({ ctx: { db: t.db, now: new Date() }, input: { email, name: null } });
    expect(b.id).toBe(a.id);
    const [row] = await t.db.select().from(users).where(eq(users.id, a.id));
    expect(row).toMatchObject({ role: "viewer", provider: "google", name: "Erin" });
    await t.db.update(users).set({ disabled: true }).where(eq(users.id, a.id));
    expect(await codeOf(upsertOidcUser({ ctx: { db: t.db, now: new Date() }, input: { email, name: null } }))).toBe("forbidden");
    const local = uniq("frank");
    await createUser({ ctx: { db: t.db }, input: { username: local, password: PASSWORD } });
    expect(await codeOf(upsertOidcUser({ ctx: { db: t.db, now: new Date() }, input: { email: local, name: null } }))).toBe("conflict");
  });
});

describe("roles and CSRF", () => {
  it("orders roles viewer < responder < admin", async () => {
    const actor = (role: "viewer" | "responder" | "admin") => ({ id: null, username: role, name: null, role, sessionId: null });
    expect(await codeOf(() => requireRole(actor("viewer"), "responder"))).toBe("forbidden");
    expect(await codeOf(() => requireRole(actor("admin"), "responder"))).toBe("ok");
    expect(await codeOf(() => requireRole(null, "viewer"))).toBe("unauthorized");
  });

  it("accepts only the exact token, under the header name the browser client sends", async () => {
    const token = anonymousCsrfToken("s".repeat(32));
    expect(token).not.toBe(anonymousCsrfToken("t".repeat(32)));
    expect(await codeOf(() => assertCsrf(token, token))).toBe("ok");
    expect(await codeOf(() => assertCsrf(null, token))).toBe("forbidden");
    expect(await codeOf(() => assertCsrf(`${token}x`, token))).toBe("forbidden");
  });
});
