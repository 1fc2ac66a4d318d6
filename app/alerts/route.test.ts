import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startPrivateNatsServer, type PrivateNatsServer } from "@/test/helpers/nats";
import { startWebServer, type WebServer } from "@/test/helpers/web-server";

const sample = fs.readFileSync("docs/examples/alertmanager-firing.json", "utf8");
const resolvedSample = fs.readFileSync("docs/examples/alertmanager-resolved.json", "utf8");
const TOKEN = "test-token-0123456789";

function post(server: WebServer, body: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, ...headers },
    body,
  });
}

/** Finished report files only: no stat (a temporary file may be renamed between listing and stat). */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.(json|md)$/.test(f));
}

describe("POST /alerts on the production build, embedded mode (PGlite, folder, in-process queue)", () => {
  let server: WebServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-embedded-"));
    server = await startWebServer({ DATA_DIR: dataDir, WEBHOOK_BEARER_TOKEN: TOKEN, WEBHOOK_MAX_BYTES: "8192", LOG_LEVEL: "warn" });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 202 with counts and writes the report to disk within seconds", async () => {
    const started = Date.now();
    const res = await post(server, sample);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ received: 1, enqueued: 1, skipped: { resolved: 0, allowlist: 0, snoozed: 0, duplicate: 0, invalid: 0 }, refused: [] });
    // The store writes through a temporary file and a rename: wait for both final names.
    const files = await eventually(() => {
      const f = listFiles(path.join(dataDir, "reports"));
      return f.some((n) => n.endsWith(".json")) && f.some((n) => n.endsWith(".md")) ? f : undefined;
    }, 20_000, "report files");
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(files.some((f) => /payments-checkout-api-7d9f8b6c5-x2k4q-crashloop-\d{8}t\d{2}-[0-9a-f]{64}\.md$/.test(f))).toBe(true);
    const json = JSON.parse(fs.readFileSync(path.join(dataDir, "reports", files.find((f) => f.endsWith(".json"))!), "utf8"));
    expect(json.alert.labels.pod).toBe("checkout-api-7d9f8b6c5-x2k4q");
    const page = await (await fetch(server.url)).text();
    expect(page).toContain("Pod payments/checkout-api-7d9f8b6c5-x2k4q is crash looping");
  });

  it("answers a repeat with skipped.duplicate and a resolved alert with skipped.resolved", async () => {
    const again = await post(server, sample);
    expect(again.status).toBe(202);
    const body = await again.json();
    expect(body.received).toBe(1);
    expect(body.enqueued + body.skipped.duplicate).toBe(1);
    const resolved = await post(server, resolvedSample);
    expect(await resolved.json()).toMatchObject({ received: 1, enqueued: 0, skipped: { resolved: 1 } });
  });

  it("refuses bad requests with clear JSON errors", async () => {
    const notJson = await post(server, "{oops");
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe("invalid_input");

    const badShape = await post(server, JSON.stringify({ alerts: [{ labels: { alertname: 5 } }] }));
    expect(badShape.status).toBe(400);
    const err = (await badShape.json()).error;
    expect(err.details.issues[0].path).toBe("alerts.0.labels.alertname");

    const text = await post(server, sample, { "content-type": "text/plain" });
    expect(text.status).toBe(415);

    const big = await post(server, JSON.stringify({ alerts: [{ labels: { alertname: "x", blob: "y".repeat(10_000) } }] }));
    expect(big.status).toBe(413);

    const noToken = await fetch(`${server.url}/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: sample });
    expect(noToken.status).toBe(401);
    const wrongToken = await post(server, sample, { authorization: "Bearer nope" });
    expect(wrongToken.status).toBe(401);
  });

  it("serves /healthz, /readyz and /metrics without a session", async () => {
    const healthz = await fetch(`${server.url}/healthz`);
    expect(healthz.status).toBe(200);
    for (const res of [healthz, await fetch(server.url)]) {
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("x-powered-by")).toBeNull();
    }
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).checks).toEqual({ database: "ok", queue: "ok", storage: "ok" });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tarka_alerts_received_total\{status="firing"\} [1-9]/);
    expect(metrics).toMatch(/tarka_webhook_requests_total\{code="413"\} 1/);
  });
});

describe("POST /alerts with JetStream configured", () => {
  let nats: PrivateNatsServer;
  let server: WebServer;
  let dataDir: string;

  beforeAll(async () => {
    nats = await startPrivateNatsServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-js-"));
    server = await startWebServer({ DATA_DIR: dataDir, NATS_URL: nats.url, WEBHOOK_BEARER_TOKEN: TOKEN, LOG_LEVEL: "warn" });
  });
  afterAll(async () => {
    await server?.stop();
    await nats?.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 202 while NATS is up and 503 (not 202) once it is down", async () => {
    expect((await post(server, sample)).status).toBe(202);
    await nats.stop();
    const res = await post(server, sample.replace("a1c3e5f7b9d20486", "b2c3e5f7b9d20487"));
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe("unavailable");
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
  });
});

describe("POST /alerts under large and hostile payloads", () => {
  let server: WebServer;
  let dataDir: string;
  const firing = JSON.parse(sample) as Record<string, unknown>;
  const alertAt = (i: number) => ({
    status: "firing",
    labels: { alertname: "KubePodCrashLooping", namespace: "payments", pod: `checkout-api-${i}` },
    startsAt: "2026-11-23T11:40:00Z",
    endsAt: "0001-01-01T00:00:00Z",
  });
  const payload = (alerts: unknown[]) => JSON.stringify({ ...firing, alerts });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-hostile-"));
    // The allowlist skips every alert: intake is measured, not thousands of investigations.
    server = await startWebServer({ DATA_DIR: dataDir, WEBHOOK_BEARER_TOKEN: TOKEN, WEBHOOK_MAX_ALERTS: "3000", ALERTNAME_ALLOWLIST: "NothingHere", LOG_LEVEL: "warn" });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps /healthz answering within 1 s while it takes 3 000 alerts, and refuses 3 001 with 413", async () => {
    const body = payload(Array.from({ length: 3_000 }, (_, i) => alertAt(i)));
    expect(body.length).toBeLessThan(1024 * 1024);
    let slowest = 0;
    let done = false;
    const probe = (async () => {
      while (!done) {
        const started = performance.now();
        await fetch(`${server.url}/healthz`);
        slowest = Math.max(slowest, performance.now() - started);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const res = await post(server, body);
    done = true;
    await probe;
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ received: 3_000, skipped: { allowlist: 3_000 } });
    expect(slowest).toBeLessThan(1_000);

    const tooMany = await post(server, payload(Array.from({ length: 3_001 }, (_, i) => alertAt(i))));
    expect(tooMany.status).toBe(413);
    expect((await tooMany.json()).error.message).toContain("WEBHOOK_MAX_ALERTS=3000");
  }, 60_000);

  it.each([
    ["a NUL byte", '"pod":"api\\u0000x"', "alerts.1.labels.pod"],
    ["a lone surrogate", '"pod":"api\\ud800x"', "alerts.1.labels.pod"],
    ["a label value over 800 bytes", `"pod":"${"x".repeat(801)}"`, "alerts.1.labels.pod"],
  ])("takes the group's valid alert and refuses one with %s, naming the alert and field, without echoing it", async (_what, label, field) => {
    const body = payload([alertAt(0), alertAt(1)]).replace('"pod":"checkout-api-1"', label);
    const res = await post(server, body);
    expect(res.status).toBe(202);
    const result = await res.json();
    expect(result).toMatchObject({ received: 2, skipped: { invalid: 1 } });
    expect(result.refused).toEqual([{ index: 1, reason: expect.stringContaining(`${field}: `) }]);
    expect(JSON.stringify(result)).not.toContain("api");
  });

  it("answers 400 when no alert of the payload is valid, naming the first failing field, and for broken JSON without quoting it", async () => {
    const future = await post(server, payload([{ ...alertAt(0), startsAt: "+275760-09-13T00:00:00Z" }, { ...alertAt(1), labels: { pod: "x\u0000" } }]));
    expect(future.status).toBe(400);
    expect((await future.json()).error.details.issues[0].path).toBe("alerts.0.startsAt");
    const broken = await post(server, '{"alerts": [{"labels": {"secret-looking": "hunter2"');
    expect(broken.status).toBe(400);
    expect(JSON.stringify(await broken.json())).not.toContain("hunter2");
  });
});

describe("start-up configuration check", () => {
  it("refuses to start a production web process (NATS_URL) whose webhook has no token, and says why", async () => {
    const error = await startWebServer({ NATS_URL: "nats://127.0.0.1:4222", DATA_DIR: os.tmpdir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/exited with 2/);
    expect((error as Error).message).toMatch(/Refusing to start: POST \/alerts would accept alerts from anyone/);
  });

  it("stops the web process with a message naming the wrong variable", async () => {
    const error = await startWebServer({ WORKER_CONCURRENCY: "lots", DATA_DIR: os.tmpdir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/exited with 2/);
    expect((error as Error).message).toMatch(/WORKER_CONCURRENCY="lots"/);
  });
});
