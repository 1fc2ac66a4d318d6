import fs from "node:fs";
import path from "node:path";
import { startChildServer } from "./child-server";
import { freePort } from "./free-port";

export type WebServer = { url: string; pid: number; output(): string; stop(): Promise<void> };

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * `next start` of the production build on a free loopback port with the given environment
 * (nothing from the parent's TARKA-relevant env leaks in). Needs `next build` first; `npm test` builds.
 */
export async function startWebServer(env: Record<string, string>): Promise<WebServer> {
  if (!fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    throw new Error("no production build: run `npx next build` first (npm test does it before the tests)");
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startChildServer({
    command: process.execPath,
    args: [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...env },
    readyUrl: `${url}/healthz`,
    timeoutMs: 60_000,
  });
  return { url, pid: server.child.pid ?? 0, output: server.output, stop: server.stop };
}
