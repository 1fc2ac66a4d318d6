import { createHmac } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { startWebServer, type WebServer } from "@/test/helpers/web-server";

const PD_SECRET = "pd-route-secret-0123456789";

/** PagerDuty v3 incident.triggered, abridged from the vendor's documented example. */
const triggered = JSON.stringify({
  event: {
    id: "01DEN4HPBQAJ8MSJ4SM7NPPBSW",
    event_type: "incident.triggered",
    resource_type: "incident",
    occurred_at: new Date(Date.now() - 5_000).toISOString(),
    agent: null,
    client: null,
    data: {
      id: "PGR0VU2",
      type: "incident",
      self: "https://api.pagerduty.com/incidents/PGR0VU2",
      html_url: "https://acme.pagerduty.com/incidents/PGR0VU2",
      number: 2,
      status: "triggered",
      title: "Disk almost full on db-1",
      urgency: "high",
      created_at: new Date(Date.now() - 60_000).toISOString(),
      service: { id: "PF9KMXH", summary: "postgres-primary", type: "service_reference" },
    },
  },
});

const sign = (body: string, secret = PD_SECRET) => `v1=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("POST /sources/{id}/ingest on the production build", () => {
  let server: WebServer;
  let dir: string;
  let tdb: TestDatabase;

  beforeAll(async () => {
    // PostgreSQL rather than PGlite: PGlite's start-up alone can pass the helper's 60 s on a busy machine.
    tdb = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-source-route-"));
    fs.writeFileSync(path.join(dir, "sources.yaml"), "sources:\n  - id: pagerduty\n    preset: pagerduty\n");
    server = await startWebServer({
      DATA_DIR: dir,
      DATABASE_URL: tdb.url,
      HTTP_SOURCES_FILE: path.join(dir, "sources.yaml"),
      PAGERDUTY_WEBHOOK_SECRET: PD_SECRET,
      WEBHOOK_MAX_BYTES: "4096",
      KUBERNETES_ENABLED: "false",
      LOG_LEVEL: "warn",
    });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await tdb?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = (id: string, body: string, signature?: string) =>
    fetch(`${server.url}/sources/${id}/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(signature ? { "x-pagerduty-signature": signature } : {}) },
      body,
    });

  it("maps each outcome to its status and counts it by source", async () => {
    const ok = await post("pagerduty", triggered, sign(triggered));
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ received: 1, enqueued: 1, source: "pagerduty", ignored: false });

    const wrong = await post("pagerduty", triggered, sign(triggered, "not-the-secret-0123456789"));
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.message).toMatch(/signature rejected/);

    expect((await post("elsewhere", triggered, sign(triggered))).status).toBe(404);

    const big = JSON.stringify({ pad: "x".repeat(5_000) });
    expect((await post("pagerduty", big, sign(big))).status).toBe(413);

    const bad = JSON.stringify({ event: { id: "x" } });
    const badRes = await post("pagerduty", bad, sign(bad));
    expect(badRes.status).toBe(400);
    expect((await badRes.json()).error.details.issues[0].path).toBe("event.event_type");

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tarka_source_requests_total\{source="pagerduty",code="202"\} 1/);
    expect(metrics).toMatch(/tarka_source_requests_total\{source="unknown",code="404"\} 1/);
    expect(metrics).toMatch(/tarka_source_signature_failures_total\{source="pagerduty",reason="no matching v1 signature"\} 1/);
    // Refusals are logged with the reason, never the body.
    expect(server.output()).toContain("sender not verified");
    expect(server.output()).not.toContain("Disk almost full");
  });
});

describe("a wrong HTTP_SOURCES_FILE", () => {
  it("stops the web process at start, naming the source and the field", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-source-bad-"));
    try {
      fs.writeFileSync(path.join(dir, "sources.yaml"), "sources:\n  - id: uptime\n    preset: generic\n    secretEnv: UPTIME_SECRET\n");
      const started = startWebServer({ DATA_DIR: dir, HTTP_SOURCES_FILE: path.join(dir, "sources.yaml"), LOG_LEVEL: "warn" });
      await expect(started).rejects.toThrow(/server exited with 2[\s\S]*source "uptime": secretEnv: environment variable UPTIME_SECRET is not set/);
      await expect(started).rejects.toThrow(/source "uptime": mapping: required for the generic preset/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
