import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCredentials } from "@/lib/auth/verify-credentials";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";

const run = promisify(execFile);
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

function addUser(args: string[], password: string) {
  return run("npx", ["tsx", "scripts/add-user.ts", ...args], {
    env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.url, TARKA_NEW_PASSWORD: password },
  }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );
}

// Nine CLI processes in a row (tsx start-up each): minutes on a busy 2-core machine, not seconds.
describe("scripts/add-user.ts and scripts/set-role.ts", () => {
  it("creates a user who can sign in, refuses a duplicate, resets with --reset, and explains bad input", async () => {
    const created = await addUser(["Ops-Lead", "--role", "responder"], "a long enough password");
    expect(created).toMatchObject({ code: 0, out: "created ops-lead (responder)\n" });
    const user = await verifyCredentials({ ctx: { db: t.db, now: new Date() }, input: { username: "ops-lead", password: "a long enough password", address: "t" } });
    expect(user?.role).toBe("responder");
    const dup = await addUser(["ops-lead", "--role", "admin"], "another long password");
    expect(dup.code).toBe(1);
    expect(dup.err).toContain("already exists");
    expect((await addUser(["ops-lead", "--role", "admin", "--reset"], "another long password")).out).toBe("updated ops-lead (admin); 0 open session(s) ended\n");
    const weak = await addUser(["newbie"], "short");
    expect(weak.code).toBe(1);
    expect(weak.err).toContain("at least 12 characters");
    const promoted = await run("npx", ["tsx", "scripts/set-role.ts", "newbie-missing", "--role", "admin"], {
      env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.url },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(promoted).toMatchObject({ code: 1 });
    const setRole = await run("npx", ["tsx", "scripts/set-role.ts", "ops-lead", "--role", "viewer", "--disable"], {
      env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.url },
    });
    expect(setRole.stdout).toBe("ops-lead: viewer (disabled)\n");
    const reset = await addUser(["ops-lead", "--role", "admin", "--reset"], "a third long password");
    expect(reset.out).toBe("updated ops-lead (admin); 0 open session(s) ended\nops-lead is still disabled: enable with npx tsx scripts/set-role.ts ops-lead --enable\n");
    expect(await verifyCredentials({ ctx: { db: t.db, now: new Date() }, input: { username: "ops-lead", password: "a third long password", address: "t2" } })).toBeNull();
    const common = await addUser(["newbie"], "Password1234!");
    expect(common.code).toBe(1);
    expect(common.err).toContain("commonly used password");
    const usage = await addUser(["x", "--role", "root"], "a long enough password");
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("usage:");
  }, 360_000);
});
