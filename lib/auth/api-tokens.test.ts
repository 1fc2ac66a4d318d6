import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { encode } from "next-auth/jwt";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCase } from "@/lib/cases/get-case";
import { snoozeCase } from "@/lib/cases/snooze-case";
import { seedCase } from "@/test/helpers/cases";
import { apiTokens, auditEvents } from "@/lib/db/schema";
import { httpStatus, ServiceError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import type { Actor } from "./actor";
import { hashApiToken } from "./api-token";
import { createApiToken } from "./create-api-token";
import { CSRF_HEADER } from "./csrf";
import { listApiTokens } from "./list-api-tokens";
import { authenticateApiRequest } from "./request-actor";
import { resolveApiToken } from "./resolve-api-token";
import { revokeApiToken } from "./revoke-api-token";
import { createSession } from "./sessions";
import { setUserRole } from "./set-user-role";
import { newUser as createTestUser } from "@/test/helpers/users";
import type { Role } from "./roles";

const SECRET = "x".repeat(40);
const run = promisify(execFile);
type CookieJar = { get(name: string): { value: string } | undefined };
const noCookies: CookieJar = { get: () => undefined };
let t: TestDatabase;
let admin: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  admin = await newUser("admin");
});
afterAll(async () => {
  await t?.drop();
});

const uniq = (p: string) => `${p}-${randomBytes(3).toString("hex")}`;

const newUser = (role: Role) => createTestUser(t.db, role);

function rt(authMode: "basic" | "disabled" = "basic") {
  return { env: { AUTH_MODE: authMode, AUTH_SESSION_SECRET: SECRET }, database: { db: t.db } };
}

/** What /api/v1 answers before the handler runs: "ok" or the HTTP status. */
async function gate(headers: Record<string, string>, mutating: boolean, cookies: CookieJar = noCookies, authMode: "basic" | "disabled" = "basic") {
  try {
    return await authenticateApiRequest({ rt: rt(authMode), cookies, headers: new Headers(headers), mutating });
  } catch (e) {
    if (e instanceof ServiceError) return httpStatus(e);
    throw e;
  }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof ServiceError) return e.code;
    throw e;
  }
}

async function newToken(role: "viewer" | "responder" | "admin", options: { by?: Actor; now?: Date; expiresInDays?: number } = {}) {
  return createApiToken({
    ctx: { db: t.db, actor: options.by ?? admin, now: options.now ?? new Date() },
    input: { name: uniq(`bot-${role}`), role, expiresInDays: options.expiresInDays },
  });
}

describe("API tokens", () => {
  it("creates a token whose secret is shown once and never stored, lists it, and audits the creation", async () => {
    const { token, secret } = await newToken("responder", { expiresInDays: 30 });
    expect(secret).toMatch(/^tarka_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(token.prefix)).toBe(true);
    expect(token).toMatchObject({ role: "responder", createdBy: admin.username, revokedAt: null, lastUsedAt: null });
    expect(Date.parse(token.expiresAt!) - Date.parse(token.createdAt)).toBe(30 * 86_400_000);

    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(row.tokenHash).toBe(hashApiToken(secret).toString("hex"));
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(token.prefix.length));
    const [{ hits }] = (await t.db.execute(
      sql`select count(*)::int as hits from api_tokens t where t::text like ${`%${secret.slice(token.prefix.length)}%`}`,
    )) as unknown as { hits: number }[];
    expect(hits).toBe(0);

    const listed = await listApiTokens({ ctx: { db: t.db, actor: admin } });
    expect(listed.items.find((i) => i.id === token.id)).toEqual(token);
    expect(JSON.stringify(listed)).not.toContain(secret);

    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "api_token.create"));
    const mine = audit.find((a) => a.after?.id === token.id);
    expect(mine).toMatchObject({ actorId: admin.id, actorName: admin.username, caseId: null });
    expect(JSON.stringify(mine)).not.toContain(secret);
  });

  it("authenticates a bearer token on a read endpoint, as the token, and records when it was used", async () => {
    const { token, secret } = await newToken("viewer");
    const session = await gate({ authorization: `Bearer ${secret}` }, false);
    expect(session).toMatchObject({ credential: "token", actor: { id: admin.id, username: `token:${token.name}`, role: "viewer" } });
    if (typeof session === "number") throw new Error("expected a session");
    const seeded = await seedCase(t.db);
    const detail = await getCase({ ctx: { db: t.db, actor: session.actor, now: new Date() }, input: { caseId: seeded.case.id } });
    expect(detail.id).toBe(seeded.case.id);
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("refreshes when a token was last used at most once a minute", async () => {
    const { token, secret } = await newToken("viewer");
    const lastUsed = async () => (await t.db.select().from(apiTokens).where(eq(apiTokens.id, token.id)))[0].lastUsedAt?.getTime();
    const t0 = new Date("2026-12-06T10:00:00Z");
    const use = (at: Date) => resolveApiToken({ ctx: { db: t.db, now: at }, input: { token: secret } });
    expect(await use(t0)).not.toBeNull();
    expect(await lastUsed()).toBe(t0.getTime());
    expect(await use(new Date(t0.getTime() + 30_000))).not.toBeNull();
    expect(await lastUsed()).toBe(t0.getTime());
    const later = new Date(t0.getTime() + 61_000);
    expect(await use(later)).not.toBeNull();
    expect(await lastUsed()).toBe(later.getTime());
  });

  it("skips the CSRF header for bearer tokens only; a viewer token is refused a state change with 403", async () => {
    const viewer = await newToken("viewer");
    const responder = await newToken("responder");
    const seeded = await seedCase(t.db);
    const snooze = (actor: Actor) =>
      snoozeCase({ ctx: { db: t.db, actor, now: new Date() }, input: { caseId: seeded.case.id, snooze: { minutes: 10 } } });

    const asViewer = await gate({ authorization: `Bearer ${viewer.secret}` }, true);
    if (typeof asViewer === "number") throw new Error(`expected a session, got ${asViewer}`);
    expect(httpStatus(await snooze(asViewer.actor).catch((e: unknown) => e))).toBe(403);
    const asResponder = await gate({ authorization: `Bearer ${responder.secret}` }, true);
    if (typeof asResponder === "number") throw new Error(`expected a session, got ${asResponder}`);
    expect((await snooze(asResponder.actor)).snoozedUntil).not.toBeNull();

    // A cookie session still needs the header, and so does AUTH_MODE=disabled without a token.
    const user = await newUser("responder");
    const s = await createSession({ ctx: { db: t.db, now: new Date() }, input: { userId: user.id! } });
    const jwt = await encode({ token: { sid: s.id }, secret: SECRET });
    const cookies = { get: (n: string) => (n === "next-auth.session-token" ? { value: jwt } : undefined) };
    expect(await gate({}, true, cookies)).toBe(403);
    expect(await gate({ [CSRF_HEADER]: s.csrfToken }, true, cookies)).toMatchObject({ credential: "session" });
    expect(await gate({}, true, noCookies, "disabled")).toBe(403);
    // A bad bearer token is not rescued by a valid cookie.
    expect(await gate({ authorization: `Bearer tarka_${"A".repeat(43)}`, [CSRF_HEADER]: s.csrfToken }, true, cookies)).toBe(401);
    // A good one works even where authentication is disabled, without the CSRF header.
    expect(await gate({ authorization: `Bearer ${responder.secret}` }, true, noCookies, "disabled")).toMatchObject({ credential: "token" });
  });

  it("refuses revoked and expired tokens with 401, and audits the revocation", async () => {
    const { token, secret } = await newToken("admin");
    expect(await gate({ authorization: `Bearer ${secret}` }, false)).toMatchObject({ credential: "token" });
    const revoked = await revokeApiToken({ ctx: { db: t.db, actor: admin, now: new Date() }, input: { id: token.id } });
    expect(revoked.revokedAt).not.toBeNull();
    expect(await gate({ authorization: `Bearer ${secret}` }, false)).toBe(401);
    expect(await codeOf(revokeApiToken({ ctx: { db: t.db, actor: admin, now: new Date() }, input: { id: token.id } }))).toBe("conflict");
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "api_token.revoke"));
    expect(audit.find((a) => a.after?.id === token.id)?.before).toMatchObject({ revokedAt: null });

    const old = await newToken("admin", { now: new Date(Date.now() - 3 * 86_400_000), expiresInDays: 2 });
    expect(await gate({ authorization: `Bearer ${old.secret}` }, false)).toBe(401);
    const fresh = await newToken("admin", { now: new Date(Date.now() - 86_400_000), expiresInDays: 2 });
    expect(await gate({ authorization: `Bearer ${fresh.secret}` }, false)).toMatchObject({ credential: "token" });
  });

  it("refuses wrong and malformed tokens with 401", async () => {
    const { secret } = await newToken("admin");
    const flipped = secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A");
    for (const bad of [flipped, secret.slice(0, -1), `${secret}A`, secret.replace("tarka_", "tarko_"), `tarka_${"!".repeat(43)}`, "nope"]) {
      expect(await gate({ authorization: `Bearer ${bad}` }, false), bad).toBe(401);
      expect(await resolveApiToken({ ctx: { db: t.db, now: new Date() }, input: { token: bad } })).toBeNull();
    }
    expect(await gate({ authorization: `Bearer ${secret}` }, false)).toMatchObject({ credential: "token" });
    expect(await gate({ authorization: `bearer   ${secret}` }, false)).toMatchObject({ credential: "token" });
    expect(await gate({ authorization: `Basic ${secret}` }, false)).toBe(401);
  });

  it("caps a token at its creator's current role and stops it when the creator is disabled", async () => {
    const creator = await newUser("admin");
    const { secret } = await newToken("admin", { by: creator });
    await setUserRole({ ctx: { db: t.db }, input: { username: creator.username, role: "viewer" } });
    expect(await resolveApiToken({ ctx: { db: t.db, now: new Date() }, input: { token: secret } })).toMatchObject({ role: "viewer" });
    await setUserRole({ ctx: { db: t.db }, input: { username: creator.username, disabled: true } });
    expect(await resolveApiToken({ ctx: { db: t.db, now: new Date() }, input: { token: secret } })).toBeNull();
  });

  it("is for admins only, and rejects bad input and unknown ids clearly", async () => {
    const responder = await newUser("responder");
    const ctx = { db: t.db, actor: responder, now: new Date() };
    expect(await codeOf(createApiToken({ ctx, input: { name: "x", role: "viewer" } }))).toBe("forbidden");
    expect(await codeOf(listApiTokens({ ctx }))).toBe("forbidden");
    const { token } = await newToken("viewer");
    expect(await codeOf(revokeApiToken({ ctx, input: { id: token.id } }))).toBe("forbidden");
    const adminCtx = { db: t.db, actor: admin, now: new Date() };
    const blank = createApiToken({ ctx: adminCtx, input: { name: "  ", role: "viewer" } });
    await expect(blank).rejects.toThrow(/^invalid API token: name: /);
    const root = createApiToken({ ctx: adminCtx, input: { name: "x", role: "root" as "admin" } });
    await expect(root).rejects.toThrow(/^invalid API token: role: /);
    const forever = createApiToken({ ctx: adminCtx, input: { name: "x", role: "viewer", expiresInDays: 0 } });
    await expect(forever).rejects.toThrow(/^invalid API token: expiresInDays: /);
    expect(await codeOf(revokeApiToken({ ctx: adminCtx, input: { id: "not-a-uuid" } }))).toBe("not_found");
    expect(await codeOf(revokeApiToken({ ctx: adminCtx, input: { id: "00000000-0000-4000-8000-000000000000" } }))).toBe("not_found");
  });
});

describe("scripts/create-api-token.ts", () => {
  const script = (args: string[]) =>
    run("npx", ["tsx", "scripts/create-api-token.ts", ...args], {
      env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.url },
    }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  it("prints a working secret once, and explains bad arguments", async () => {
    const name = uniq("first");
    const created = await script(["--name", name, "--role", "admin", "--days", "7"]);
    expect(created.code).toBe(0);
    expect(created.err).toContain(`created API token ${name} (admin`);
    const secret = created.out.trim();
    expect(await resolveApiToken({ ctx: { db: t.db, now: new Date() }, input: { token: secret } })).toMatchObject({
      id: null,
      username: `token:${name}`,
      role: "admin",
    });
    const badRole = await script(["--name", "x", "--role", "root"]);
    expect(badRole).toMatchObject({ code: 2, out: "" });
    expect(badRole.err).toContain("role:");
    expect((await script(["--role", "viewer"])).err).toContain("name:");
    expect((await script(["--name", "x", "--days", "soon"])).err).toContain("expiresInDays:");
  });
});
