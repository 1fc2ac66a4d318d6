import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureDebianPackage, startChildServer } from "./child-server";
import type { BasicAuth } from "./basic-auth";
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

/**
 * Starts Debian's victoria-metrics on a free loopback port with a throw-away data folder; with
 * `basicAuth`, every API path but /health requires it (`-httpAuth.*`).
 */
export async function startVictoriaMetrics(options: { basicAuth?: BasicAuth } = {}): Promise<VictoriaMetrics> {
  ensureDebianPackage(BINARY, "victoria-metrics");
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tarka-vm-"));
  const url = `http://127.0.0.1:${port}`;
  const auth = options.basicAuth;
  const headers: Record<string, string> = auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` } : {};
  const server = await startChildServer({
    command: BINARY,
    args: [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dataDir}`,
      "-retentionPeriod=1d",
      "-search.latencyOffset=0s",
      ...(auth ? [`-httpAuth.username=${auth.username}`, `-httpAuth.password=${auth.password}`] : []),
    ],
    dir: dataDir,
    readyUrl: `${url}/health`,
  });

  return {
    url,
    selectUrl: `${url}/prometheus`,
    async importPrometheus(lines) {
      const body = Array.isArray(lines) ? lines.join("\n") : lines;
      const res = await fetch(`${url}/api/v1/import/prometheus`, { method: "POST", body, headers });
      if (res.status !== 204) throw new Error(`import failed: ${res.status} ${await res.text()}`);
    },
    async flush() {
      const res = await fetch(`${url}/internal/force_flush`, { headers });
      if (!res.ok) throw new Error(`force_flush failed: ${res.status}`);
    },
    stop: server.stop,
  };
}
