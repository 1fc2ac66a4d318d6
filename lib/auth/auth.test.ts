import { randomBytes } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { loginAttempts, users } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { requireRole } from "./actor";
import { createUser } from "./create-user";
import { anonymousCsrfToken, assertCsrf } from "./csrf";
import { ensureInitialAdmin } from "./ensure-initial-admin";
import { checkAllowedDomain, upsertOidcUser } from "./oidc-user";
import { hashPassword, verifyPassword } from "./password";
import { createSession, resolveSession, revokeSession, revokeUserSessions } from "./sessions";
import { setUserRole } from "./set-user-role";
import { loginLimits, throttleDelayMs, verifyCredentials } from "./verify-credentials";
import { createLogger } from "@/lib/log";
import { createMetrics } from "@/lib/metrics";

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

  it("refuses common, decorated-common, username-equal, patterned and keyboard-run passwords, naming the problem", async () => {
    const refused = async (username: string, password: string) => {
      const e = await createUser({ ctx: { db: t.db }, input: { username, password } }).catch((err: unknown) => err);
      expect(e, password).toBeInstanceOf(ServiceError);
      return JSON.stringify((e as ServiceError).details ?? (e as ServiceError).message);
    };
    expect(await refused(uniq("kim"), "password1234")).toContain("commonly used password");
    expect(await refused(uniq("kim"), "P@ssw0rd2024!")).toContain("commonly used password");
    expect(await refused(uniq("kim"), "iloveyou1234")).toContain("commonly used password");
    expect(await refused("kimberly-ops", "kimberly-ops")).toContain("must not be the username");
    expect(await refused("kimberly-ops", "Kimberly-Ops2024")).toContain("must not be the username");
    expect(await refused(uniq("kim"), "abcabcabcabc")).toContain("repeats a short pattern");
    expect(await refused(uniq("kim"), "qwertyuiopasdf")).toContain("run of keyboard");
    expect(await refused(uniq("kim"), "eleven char")).toContain("at least 12 characters");
    expect(await createUser({ ctx: { db: t.db }, input: { username: uniq("kim"), password: "plinth orbit saffron" } })).toMatchObject({ created: true });
  });

  it("a --reset ends the user's sessions and leaves a disabled user disabled", async () => {
    const name = uniq("lou");
    const u = await createUser({ ctx: { db: t.db }, input: { username: name, password: PASSWORD } });
    const now = new Date();
    const s = await createSession({ ctx: { db: t.db, now }, input: { userId: u.id } });
    await t.db.update(users).set({ disabled: true }).where(eq(users.id, u.id));
    const reset = await createUser({ ctx: { db: t.db, now }, input: { username: name, password: "a brand new phrase", role: "responder", update: true } });
    expect(reset).toMatchObject({ created: false, disabled: true, sessionsEnded: 1 });
    const [row] = await t.db.select().from(users).where(eq(users.id, u.id));
    expect(row?.disabled).toBe(true);
    await t.db.update(users).set({ disabled: false }).where(eq(users.id, u.id));
    expect(await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: s.id } })).toBeNull();
    expect(await verifyCredentials({ ctx: { db: t.db, now }, input: { username: name, password: "a brand new phrase", address: "192.0.2.200" } })).toMatchObject({ role: "responder" });
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

  it("rejects wrong passwords, disabled and unknown users", async () => {
    const username = uniq("carol");
    await createUser({ ctx: { db: t.db }, input: { username, password: PASSWORD } });
    const now = new Date();
    const attempt = (password: string, address = uniq("ip")) => verifyCredentials({ ctx: { db: t.db, now }, input: { username, password, address } });
    expect(await attempt("wrong password!!")).toBeNull();
    expect(await attempt(PASSWORD)).toMatchObject({ username, role: "viewer" });
    await t.db.update(users).set({ disabled: true }).where(eq(users.username, username));
    expect(await attempt(PASSWORD)).toBeNull();
    expect(await verifyCredentials({ ctx: { db: t.db, now }, input: { username: uniq("nobody"), password: PASSWORD, address: "z" } })).toBeNull();
  });

  it("guesses from one address do not lock the user out from another", async () => {
    const username = uniq("admin");
    await createUser({ ctx: { db: t.db }, input: { username, password: PASSWORD, role: "admin" } });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      const now = new Date(t0 + i * loginLimits.maxDelayMs);
      expect(await verifyCredentials({ ctx: { db: t.db, now }, input: { username, password: `guess number ${i}`, address: "203.0.113.7" } })).toBeNull();
    }
    const now = new Date(t0 + 4 * loginLimits.maxDelayMs + 10);
    expect(await codeOf(verifyCredentials({ ctx: { db: t.db, now }, input: { username, password: PASSWORD, address: "203.0.113.7" } }))).toBe("rate_limited");
    expect(await verifyCredentials({ ctx: { db: t.db, now }, input: { username, password: PASSWORD, address: "198.51.100.9" } })).toMatchObject({ username, role: "admin" });
  });

  it("makes each further guess from one address wait twice as long, refuses early attempts without counting them, and a success resets it", async () => {
    const username = uniq("hank");
    await createUser({ ctx: { db: t.db }, input: { username, password: PASSWORD } });
    const address = "192.0.2.44";
    const t0 = Date.now();
    const at = (ms: number, password = "wrong password!!") => verifyCredentials({ ctx: { db: t.db, now: new Date(t0 + ms) }, input: { username, password, address } });
    for (let i = 0; i < loginLimits.freePerPair; i++) expect(await at(0)).toBeNull();
    const refused = await at(500).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceError);
    expect((refused as ServiceError).details).toEqual({ retryAfterSeconds: 1 });
    expect(await at(1_000)).toBeNull();
    expect(await codeOf(at(2_500, PASSWORD))).toBe("rate_limited");
    expect(await at(3_000)).toBeNull();
    expect(await codeOf(at(6_999))).toBe("rate_limited");
    expect(throttleDelayMs(loginLimits.freePerPair + 2, loginLimits.freePerPair)).toBe(4_000);
    expect(throttleDelayMs(1_000, loginLimits.freePerPair)).toBe(loginLimits.maxDelayMs);
    expect(await at(7_000, PASSWORD)).toMatchObject({ username });
    expect(await at(7_001)).toBeNull();
  });

  it("counts concurrent guesses before any password is verified", async () => {
    const username = uniq("ivy");
    await createUser({ ctx: { db: t.db }, input: { username, password: PASSWORD } });
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => codeOf(verifyCredentials({ ctx: { db: t.db, now }, input: { username, password: "wrong password!!", address: "192.0.2.99" } }))),
    );
    const verified = results.filter((r) => r === "ok").length;
    expect(verified).toBeLessThanOrEqual(loginLimits.freePerPair);
    expect(results.filter((r) => r === "rate_limited").length).toBe(12 - verified);
  });

  it("throttles one address guessing across usernames", async () => {
    const address = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const now = new Date();
    for (let i = 0; i < loginLimits.freePerAddress; i++) {
      await verifyCredentials({ ctx: { db: t.db, now }, input: { username: uniq("ghost"), password: "nope nope nope", address } });
    }
    expect(await codeOf(verifyCredentials({ ctx: { db: t.db, now }, input: { username: uniq("ghost"), password: "x", address } }))).toBe("rate_limited");
  });

  it("deletes attempts once they are older than the window, whoever made them", async () => {
    const t0 = Date.now();
    const attempt = (ms: number, address: string) =>
      verifyCredentials({ ctx: { db: t.db, now: new Date(t0 + ms) }, input: { username: uniq("spray"), password: "nope nope nope", address } });
    await attempt(0, "2001:db8::1");
    await attempt(loginLimits.windowMs / 2, "2001:db8::2");
    const addresses = ["2001:db8::1", "2001:db8::2", "2001:db8::3"];
    const left = async () =>
      (await t.db.select({ address: loginAttempts.address }).from(loginAttempts).where(inArray(loginAttempts.address, addresses))).map((r) => r.address).sort();
    expect(await left()).toEqual(["2001:db8::1", "2001:db8::2"]);
    await attempt(loginLimits.windowMs + 1, "2001:db8::3");
    expect(await left()).toEqual(["2001:db8::2", "2001:db8::3"]);
  });

  it("logs failed and throttled sign-ins without the password, hashing unknown usernames, and counts them", async () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ level: "info", destination: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) } });
    const metrics = createMetrics();
    const username = uniq("jill");
    await createUser({ ctx: { db: t.db }, input: { username, password: PASSWORD } });
    const now = new Date();
    const ctx = { db: t.db, now, log, metrics };
    const secret = "hunter2-not-my-password";
    for (let i = 0; i <= loginLimits.freePerPair; i++) await codeOf(verifyCredentials({ ctx, input: { username, password: secret, address: "192.0.2.5" } }));
    await verifyCredentials({ ctx, input: { username: secret, password: secret, address: "192.0.2.6" } });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(secret);
    expect(lines.filter((l) => l.msg === "sign-in failed" && l.username === username)).toHaveLength(loginLimits.freePerPair);
    expect(lines.some((l) => l.msg === "sign-in throttled" && l.username === username && l.address === "192.0.2.5")).toBe(true);
    expect(lines.some((l) => l.msg === "sign-in failed" && typeof l.usernameHash === "string")).toBe(true);
    const counts = await metrics.registry.getSingleMetricAsString("tarka_login_attempts_total");
    expect(counts).toContain('tarka_login_attempts_total{outcome="failed"} 4');
    expect(counts).toContain('tarka_login_attempts_total{outcome="throttled"} 1');
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
