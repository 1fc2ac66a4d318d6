import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";

/** Installs Debian's package when the binary is missing (the machine allows apt-get). */
export function ensureDebianPackage(binary: string, pkg: string): void {
  if (existsSync(binary)) return;
  execFileSync("apt-get", ["install", "-y", "-qq", pkg], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

/** Polls `url` until it answers 2xx, or throws with the server's output after `timeoutMs`. */
export async function waitForHttp(
  url: string,
  child: ChildProcess,
  output: () => string,
  { timeoutMs = 20_000, headers = {} }: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}\n${output()}`);
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms\n${output()}`);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

export type ChildServer = { child: ChildProcess; output(): string; stop(): Promise<void> };

/**
 * Spawns a server, keeps the tail of its output for error messages, and waits until `readyUrl`
 * answers 2xx. `stop()` ends it and deletes `dir` (its data, if any); a server that never became
 * ready is stopped before the error is thrown.
 */
export async function startChildServer(options: {
  command: string;
  args: string[];
  dir?: string;
  readyUrl: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<ChildServer> {
  let output = "";
  const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const server: ChildServer = {
    child,
    output: () => output,
    async stop() {
      await stopChild(child);
      if (options.dir) rmSync(options.dir, { recursive: true, force: true });
    },
  };
  try {
    await waitForHttp(options.readyUrl, child, server.output, { headers: options.headers, timeoutMs: options.timeoutMs });
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}
