import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startWebServer, type WebServer } from "@/test/helpers/web-server";

const ADMIN = { username: "admin", password: "plinth orbit saffron" };

/** One credentials sign-in through next-auth, as the login form posts it; returns the error code or "ok". */
async function signIn(server: WebServer, password: string, forwardedFor: string): Promise<string> {
  const csrf = await fetch(`${server.url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-forwarded-for": forwardedFor },
    body: new URLSearchParams({ csrfToken, username: ADMIN.username, password, callbackUrl: "/" }),
  });
  const location = res.headers.get("location") ?? "";
  return new URL(location, server.url).searchParams.get("error") ?? (res.status === 302 ? "ok" : `status ${res.status}`);
}

function signInLines(server: WebServer): Array<{ msg: string; address: string }> {
  return server
    .output()
    .split("\n")
    .filter((l) => l.includes('"msg":"sign-in '))
    .map((l) => JSON.parse(l.slice(l.indexOf("{"))) as { msg: string; address: string });
}

async function startConsole(extra: Record<string, string>): Promise<{ server: WebServer; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-signin-"));
  const server = await startWebServer({
    DATA_DIR: dir,
    LOG_LEVEL: "warn",
    AUTH_MODE: "basic",
    AUTH_SESSION_SECRET: "s".repeat(40),
    ADMIN_INITIAL_USERNAME: ADMIN.username,
    ADMIN_INITIAL_PASSWORD: ADMIN.password,
    ...extra,
  });
  return { server, dir };
}

// Two production servers on PGlite: the socket address of these requests is 127.0.0.1.
describe("sign-in throttling on the production build", () => {
  const started: Array<{ server: WebServer; dir: string }> = [];
  afterAll(async () => {
    for (const s of started) {
      await s.server.stop();
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy: a spoofed header gets no fresh bucket", async () => {
    const s = await startConsole({});
    started.push(s);
    for (let i = 0; i < 3; i++) expect(await signIn(s.server, `wrong guess ${i} here`, "198.51.100.1")).toBe("CredentialsSignin");
    // Concurrent, so the doubling delay (1 s here) cannot run out between them on a slow machine.
    const spoofed = await Promise.all(["198.51.100.2", "198.51.100.3", "198.51.100.4"].map((ip) => signIn(s.server, "wrong guess 3 here", ip)));
    expect(spoofed).toContain("rate_limited");
    const lines = signInLines(s.server);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(new Set(lines.map((l) => l.address))).toEqual(new Set(["127.0.0.1"]));
    expect(lines.some((l) => l.msg === "sign-in throttled")).toBe(true);
    expect(s.server.output()).not.toContain("wrong guess");
  }, 240_000);

  it("honours a trusted proxy's X-Forwarded-For: each client address has its own bucket", async () => {
    const s = await startConsole({ TRUSTED_PROXIES: "127.0.0.1/32,::1" });
    started.push(s);
    for (let i = 0; i < 3; i++) expect(await signIn(s.server, `wrong guess ${i} here`, "203.0.113.1, 198.51.100.1")).toBe("CredentialsSignin");
    expect(await signIn(s.server, ADMIN.password, "203.0.113.1, 198.51.100.2")).toBe("ok");
    expect(signInLines(s.server).map((l) => l.address)).toEqual(["198.51.100.1", "198.51.100.1", "198.51.100.1"]);
  }, 240_000);
});
