import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, users } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import type { Actor } from "./actor";
import { createUser } from "./create-user";
import { listUsers } from "./list-users";
import type { Role } from "./roles";
import { createSession, resolveSession } from "./sessions";
import { updateUser } from "./update-user";
import { newUser as createTestUser, TEST_PASSWORD } from "@/test/helpers/users";

const PASSWORD = TEST_PASSWORD;
let t: TestDatabase;
let admin: Actor & { id: string };

beforeAll(async () => {
  t = await createTestDatabase();
  admin = await newUser("admin");
});
afterAll(async () => {
  await t?.drop();
});

const uniq = (p: string) => `${p}-${randomBytes(3).toString("hex")}`;

const newUser = (role: Role) => createTestUser(t.db, role);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof ServiceError) return e.code;
    throw e;
  }
}

const auditOf = (action: string, username: string) =>
  t.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), sql`${auditEvents.after}->>'username' = ${username}`));

describe("listUsers", () => {
  it("lists every user by username without password hashes, for admins only", async () => {
    const viewer = await newUser("viewer");
    const { items } = await listUsers({ ctx: { db: t.db, actor: admin } });
    const names = items.map((u) => u.username);
    expect(names).toEqual(expect.arrayContaining([admin.username, viewer.username]));
    expect(names).toEqual([...names].sort());
    expect(items.find((u) => u.id === viewer.id)).toEqual({
      id: viewer.id,
      username: viewer.username,
      name: viewer.username,
      email: null,
      role: "viewer",
      provider: "local",
      disabled: false,
      createdAt: expect.any(String),
      lastLoginAt: null,
    });
    expect(JSON.stringify(items)).not.toContain("scrypt");
    expect(await codeOf(listUsers({ ctx: { db: t.db, actor: viewer } }))).toBe("forbidden");
    expect(await codeOf(listUsers({ ctx: { db: t.db, actor: await newUser("responder") } }))).toBe("forbidden");
  });
});

describe("createUser by an admin", () => {
  it("creates a local user and audits it; refuses non-admins, duplicates and bad input", async () => {
    const username = uniq("nina");
    const created = await createUser({ ctx: { db: t.db, actor: admin }, input: { username: username.toUpperCase(), password: PASSWORD, role: "responder" } });
    expect(created).toMatchObject({ username, role: "responder", created: true });
    const [audit] = await auditOf("user.create", username);
    expect(audit).toMatchObject({ actorName: admin.username, caseId: null, after: { id: created.id, username, role: "responder" } });
    const responder = await newUser("responder");
    const denied = uniq("nope");
    expect(await codeOf(createUser({ ctx: { db: t.db, actor: responder }, input: { username: denied, password: PASSWORD } }))).toBe("forbidden");
    expect(await t.db.select().from(users).where(eq(users.username, denied))).toEqual([]);
    expect(await codeOf(createUser({ ctx: { db: t.db, actor: admin }, input: { username, password: PASSWORD } }))).toBe("conflict");
    expect(await codeOf(createUser({ ctx: { db: t.db, actor: admin }, input: { username: uniq("s"), password: "eleven char" } }))).toBe("invalid_input");
    expect(await codeOf(createUser({ ctx: { db: t.db, actor: admin }, input: { username: uniq("r"), password: PASSWORD, role: "root" as never } }))).toBe("invalid_input");
  });
});

describe("updateUser", () => {
  it("changes a role for open sessions at once and audits before and after", async () => {
    const u = await newUser("viewer");
    const now = new Date();
    const s = await createSession({ ctx: { db: t.db, now }, input: { userId: u.id } });
    const updated = await updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: u.id, role: "responder" } });
    expect(updated).toMatchObject({ id: u.id, role: "responder", disabled: false });
    expect((await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: s.id } }))?.actor.role).toBe("responder");
    const [audit] = await auditOf("user.update", u.username);
    expect(audit).toMatchObject({
      actorName: admin.username,
      before: { id: u.id, username: u.username, role: "viewer", disabled: false },
      after: { id: u.id, username: u.username, role: "responder", disabled: false },
    });
  });

  it("disabling revokes the user's sessions, which stay ended after re-enabling", async () => {
    const u = await newUser("responder");
    const now = new Date();
    const s1 = await createSession({ ctx: { db: t.db, now }, input: { userId: u.id } });
    const s2 = await createSession({ ctx: { db: t.db, now }, input: { userId: u.id } });
    expect(await updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: u.id, disabled: true } })).toMatchObject({ disabled: true, role: "responder" });
    expect(await updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: u.id, disabled: false } })).toMatchObject({ disabled: false });
    expect(await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: s1.id } })).toBeNull();
    expect(await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: s2.id } })).toBeNull();
    const fresh = await createSession({ ctx: { db: t.db, now }, input: { userId: u.id } });
    expect((await resolveSession({ ctx: { db: t.db, now }, input: { sessionId: fresh.id } }))?.actor.username).toBe(u.username);
  });

  it("refuses non-admins, self-demotion and self-disabling, unknown users and bad input", async () => {
    const now = new Date();
    const target = await newUser("viewer");
    const responder = await newUser("responder");
    expect(await codeOf(updateUser({ ctx: { db: t.db, actor: responder, now }, input: { id: target.id, role: "admin" } }))).toBe("forbidden");
    expect(await codeOf(updateUser({ ctx: { db: t.db, actor: responder, now }, input: { id: responder.id, role: "admin" } }))).toBe("forbidden");
    expect(await codeOf(updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: admin.id, role: "responder" } }))).toBe("forbidden");
    expect(await codeOf(updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: admin.id, disabled: true } }))).toBe("forbidden");
    expect(await updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: admin.id, role: "admin", disabled: false } })).toMatchObject({ role: "admin", disabled: false });
    expect(await codeOf(updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: target.id, role: "root" as never } }))).toBe("invalid_input");
    expect(await codeOf(updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: target.id } }))).toBe("invalid_input");
    expect(await codeOf(updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: target.id, disabled: "yes" as never } }))).toBe("invalid_input");
    expect(await codeOf(updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: "00000000-0000-4000-8000-000000000000", role: "viewer" } }))).toBe("not_found");
    expect(await codeOf(updateUser({ ctx: { db: t.db, actor: admin, now }, input: { id: "nope", role: "viewer" } }))).toBe("not_found");
    const [row] = await t.db.select().from(users).where(eq(users.id, target.id));
    expect(row).toMatchObject({ role: "viewer", disabled: false });
  });
});
