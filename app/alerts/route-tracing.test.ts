import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receivedAlerts } from "@/lib/db/schema";
import { startWorker } from "@/lib/jobs/start-worker";
import type { Consumer } from "@/lib/queue/types";
import type { Runtime } from "@/lib/runtime";
import { getWebRuntime } from "@/lib/web-runtime";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { attr, startFakeCollector, type FakeCollector } from "@/test/helpers/fake-otlp-collector";
import { eventually } from "@/test/helpers/nats";
import { POST } from "./route";

const sample = JSON.parse(fs.readFileSync("docs/examples/alertmanager-firing.json", "utf8"));
const serviceName = `tarka-route-${randomBytes(4).toString("hex")}`;

let collector: FakeCollector;
let tdb: TestDatabase;
let dataDir: string;
let runtime: Runtime;
let consumer: Consumer;

// The route reads the process configuration (lib/env.ts) and the web runtime, as under `next start`.
beforeAll(async () => {
  [collector, tdb] = await Promise.all([startFakeCollector(), createTestDatabase()]);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-route-tracing-"));
  Object.assign(process.env, {
    DATABASE_URL: tdb.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    KUBERNETES_ENABLED: "false",
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_SERVICE_NAME: serviceName,
  });
  runtime = await getWebRuntime();
  consumer = await startWorker(runtime);
});

afterAll(async () => {
  await consumer?.stop(5_000);
  await runtime?.close();
  await collector?.close();
  await tdb?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return POST(
    new Request("http://127.0.0.1/alerts", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
  );
}

describe("POST /alerts with tracing on", () => {
  it("continues the caller's trace through the route, the queue and the worker", async () => {
    const fingerprint = randomBytes(8).toString("hex");
    const pod = `checkout-${randomBytes(3).toString("hex")}`;
    const alert = { ...sample.alerts[0], fingerprint, labels: { ...sample.alerts[0].labels, pod } };
    const callerTrace = randomBytes(16).toString("hex");
    const callerSpan = randomBytes(8).toString("hex");
    const res = await post({ ...sample, alerts: [alert] }, { traceparent: `00-${callerTrace}-${callerSpan}-01` });
    expect(res.status).toBe(202);
    await eventually(async () => {
      const [row] = await tdb.db.select().from(receivedAlerts).where(eq(receivedAlerts.fingerprint, fingerprint));
      return row?.disposition === "investigated";
    }, 30_000, "the worker to investigate the alert");
    await runtime.tracing.flush();

    const spans = collector.spansOf(serviceName).filter((s) => s.traceId === callerTrace);
    const one = (name: string) => spans.find((s) => s.name === name);
    const route = one("POST /alerts");
    const ingest = one("tarka.ingest");
    const publish = one("tarka.publish");
    const job = one("tarka.job");
    expect(route).toMatchObject({ parentSpanId: callerSpan });
    expect(route && attr(route, "http.response.status_code")).toBe(202);
    expect(ingest?.parentSpanId).toBe(route?.spanId);
    expect(publish?.parentSpanId).toBe(ingest?.spanId);
    expect(job?.parentSpanId).toBe(publish?.spanId);
    expect(job && attr(job, "tarka.fingerprint")).toBe(fingerprint);
  });

  it("records a refused request on its span without marking it failed", async () => {
    const callerTrace = randomBytes(16).toString("hex");
    const res = await post({ alerts: [{ labels: { alertname: 5 } }] }, { traceparent: `00-${callerTrace}-${randomBytes(8).toString("hex")}-01` });
    expect(res.status).toBe(400);
    await runtime.tracing.flush();
    const route = collector.spansOf(serviceName).find((s) => s.traceId === callerTrace && s.name === "POST /alerts");
    expect(route && attr(route, "http.response.status_code")).toBe(400);
    expect(route?.status?.code ?? 0).not.toBe(2);
    expect(collector.spansOf(serviceName).filter((s) => s.traceId === callerTrace).map((s) => s.name)).toEqual(["POST /alerts"]);
  });
});
