import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { ensureDebianPackage, startChildServer } from "./child-server";
import { freePort } from "./free-port";
import { listenOnLoopback } from "./listen";

export type PrometheusServer = {
  /** Root URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Polls an instant query until it returns at least one series (scrapes start a few seconds after boot). */
  waitForSeries(query: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

export type StartPrometheusOptions = {
  /** `host:port` targets scraped every second under job "test" (honor_labels on). */
  scrapeTargets?: string[];
  /** A Prometheus rule file as an object, e.g. `{ groups: [{ name: "g", rules: [{ alert: "A", expr: "up == 0" }] }] }`. */
  rules?: { groups: unknown[] };
  /** Passed as --web.external-url so generator URLs are stable. */
  externalUrl?: string;
};

const BINARY = "/usr/bin/prometheus";

/**
 * Starts Debian's prometheus on a free loopback port with a throw-away TSDB. Config files are written
 * as JSON, which is valid YAML.
 */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<PrometheusServer> {
  ensureDebianPackage(BINARY, "prometheus");
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "tarka-prom-"));
  const url = `http://127.0.0.1:${port}`;
  const config: Record<string, unknown> = {
    global: { scrape_interval: "1s", evaluation_interval: "1s" },
    scrape_configs: options.scrapeTargets?.length
      ? [{ job_name: "test", honor_labels: true, static_configs: [{ targets: options.scrapeTargets }] }]
      : [],
  };
  if (options.rules) {
    writeFileSync(path.join(dir, "rules.yml"), JSON.stringify(options.rules));
    config.rule_files = [path.join(dir, "rules.yml")];
  }
  writeFileSync(path.join(dir, "prometheus.yml"), JSON.stringify(config));
  const { stop } = await startChildServer({
    command: BINARY,
    args: [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${options.externalUrl ?? url}`,
      "--storage.tsdb.retention.time=1d",
    ],
    dir,
    readyUrl: `${url}/-/ready`,
  });

  return {
    url,
    async waitForSeries(query, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
        const body = (await res.json()) as { data?: { result?: unknown[] } };
        if ((body.data?.result?.length ?? 0) > 0) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`no series for ${query} after ${timeoutMs} ms`);
    },
    stop,
  };
}

export type MetricsTarget = {
  /** `127.0.0.1:<port>`, ready to use in `scrapeTargets`. */
  target: string;
  /** Replaces the exposition text served at /metrics. */
  set(text: string): void;
  stop(): Promise<void>;
};

/** A tiny scrape target serving Prometheus text format at /metrics. */
export async function serveMetrics(initial: string): Promise<MetricsTarget> {
  let text = initial;
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/metrics")) {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(text.endsWith("\n") ? text : `${text}\n`);
      return;
    }
    res.writeHead(404).end();
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    target: `127.0.0.1:${port}`,
    set(next) {
      text = next;
    },
    stop: close,
  };
}
