import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

export type VictoriaMetrics = {
  /** Root URL, e.g. http://127.0.0.1:43121 */
  url: string;
  /**
   * A non-root Prometheus-compatible base URL. Single-node VictoriaMetrics 1.79 answers the
   * `/prometheus/api/v1/*` prefix but not the cluster `/select/0/prometheus` path (400 "unsupported path").
   */
  selectUrl: string;
  /** Imports Prometheus text exposition lines; each line must end with a timestamp in milliseconds (use past ones). */
  importPrometheus(lines: string | string[]): Promise<void>;
  /** Makes imported samples visible to queries right away. */
  flush(): Promise<void>;
  stop(): Promise<void>;
};

const BINARY = "/usr/bin/victoria-metrics";

/** Installs Debian's package when the binary is missing (the machine allows apt-get). */
export function ensureDebianPackage(binary: string, pkg: string): void {
  if (existsSync(binary)) return;
  execFileSync("apt-get", ["install", "-y", "-qq", pkg], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

/** Polls `url` until it answers 2xx, or throws with the server's output after `timeoutMs`. */
export async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}\n${output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
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

/** Starts Debian's victoria-metrics on a free loopback port with a throw-away data folder. */
export async function startVictoriaMetrics(): Promise<VictoriaMetrics> {
  ensureDebianPackage(BINARY, "victoria-metrics");
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tarka-vm-"));
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(
    BINARY,
    [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, "-retentionPeriod=1d", "-search.latencyOffset=0s"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  try {
    await waitForHttp(`${url}/health`, child, () => output);
  } catch (e) {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }

  return {
    url,
    selectUrl: `${url}/prometheus`,
    async importPrometheus(lines) {
      const body = Array.isArray(lines) ? lines.join("\n") : lines;
      const res = await fetch(`${url}/api/v1/import/prometheus`, { method: "POST", body });
      if (res.status !== 204) throw new Error(`import failed: ${res.status} ${await res.text()}`);
    },
    async flush() {
      const res = await fetch(`${url}/internal/force_flush`);
      if (!res.ok) throw new Error(`force_flush failed: ${res.status}`);
    },
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
