import http from "node:http";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityOf } from "@/lib/alerts/identity";
import { loadEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { freePort } from "@/test/helpers/free-port";
import { listenOnLoopback } from "@/test/helpers/listen";
import { investigateAlert } from "./investigate-alert";
import { createProviders } from "./providers/create-providers";
import { renderMarkdown } from "./render-markdown";
import { alertOf, fixedNow } from "@/test/helpers/engine-providers";

const PASSWORD = "Hunter2-very-secret";
// What an auth proxy in front of Prometheus may echo back in its error page.
const ECHOED = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0YXJrYSJ9.c2lnbmF0dXJlLXNlY3JldA";

describe("credentials never reach a report, its markdown or a log line", () => {
  let proxy: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(502, { "content-type": "text/plain" }).end(`upstream rejected Authorization: Bearer ${ECHOED}; retry with password=${PASSWORD}`);
    });
    proxy = await listenOnLoopback(server);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it("redacts every provider's failure from URLs with userinfo", async () => {
    const lines: string[] = [];
    const log = createLogger({
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    const creds = (url: string) => url.replace("http://", `http://tarka:${PASSWORD}@`);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const providers = createProviders({
      env: loadEnv({ PROMETHEUS_URL: creds(proxy.url), LOGS_URL: creds(closed), LOGS_BACKEND: "loki", ALERTMANAGER_URL: creds(closed), PROVIDER_TIMEOUT_MS: "3000" }),
      log,
    });
    const alert = alertOf({ alertname: "KubePodCrashLooping", namespace: "shop", pod: "checkout-7d9f8-abcde" });
    const report = await investigateAlert({
      ctx: { providers, log, now: fixedNow },
      input: { alert, family: "crashloop", identity: identityOf(alert, "crashloop"), timeWindow: "1h" },
    });

    const failed = report.queries.filter((q) => q.outcome === "error");
    expect(failed.map((q) => q.provider)).toEqual(expect.arrayContaining(["prometheus", "logs", "alertmanager"]));
    expect(failed.find((q) => q.provider === "prometheus")?.error).toContain("HTTP 502");
    const everything = [JSON.stringify(report), renderMarkdown(report), ...lines].join("\n");
    expect(lines.some((l) => l.includes("evidence providers configured"))).toBe(true);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(ECHOED);
  });
});
