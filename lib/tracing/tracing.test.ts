import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestAlerts } from "@/lib/intake/ingest-alerts";
import { alertmanagerWebhookSchema, type AlertmanagerWebhook } from "@/lib/alerts/schema";
import { EnvError, loadEnv } from "@/lib/env";
import { processAlertJob, type ProcessOutcome } from "@/lib/jobs/process-alert-job";
import { createProviders } from "@/lib/investigate/providers/create-providers";
import { createLogger } from "@/lib/log";
import type { AlertJob } from "@/lib/queue/job";
import { createMemoryQueue } from "@/lib/queue/memory";
import type { Consumer, JobQueue } from "@/lib/queue/types";
import { createFsStore } from "@/lib/storage/fs";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { attr, startFakeCollector, type FakeCollector } from "@/test/helpers/fake-otlp-collector";
import { freePort } from "@/test/helpers/free-port";
import { asAlertJob, eventually } from "@/test/helpers/nats";
import { startVictoriaMetrics, type VictoriaMetrics } from "@/test/helpers/victoria-metrics";
import { parentContext, traceLogFields, traceparentOf, withSpan, withTraceparent } from "./spans";
import { startTracing } from "./start-tracing";

let collector: FakeCollector;
let tdb: TestDatabase;
let vm: VictoriaMetrics;
let closedPort: number;
const dirs: string[] = [];

beforeAll(async () => {
  [collector, tdb, vm, closedPort] = await Promise.all([startFakeCollector(), createTestDatabase(), startVictoriaMetrics(), freePort()]);
}, 60_000);

afterAll(async () => {
  await collector?.close();
  await tdb?.drop();
  await vm?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Everything one intake → memory queue → processAlertJob round trip leaves behind. */
async function runPipeline() {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ level: "info", name: "tracing-test", destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
  const dir = mkdtempSync(path.join(os.tmpdir(), "tarka-tracing-"));
  dirs.push(dir);
  const providers = createProviders({
    env: loadEnv({
      PROMETHEUS_URL: vm.selectUrl,
      // Nothing listens there: the call fails fast, and its span must say so.
      ALERTMANAGER_URL: `http://127.0.0.1:${closedPort}`,
      KUBERNETES_ENABLED: "false",
      PROVIDER_TIMEOUT_MS: "5000",
    }),
    log,
  });
  const queue: JobQueue = createMemoryQueue({ maxDeliver: 1, backoffSeconds: [1], log });
  const jobs: AlertJob[] = [];
  const outcomes: ProcessOutcome[] = [];
  const consumer: Consumer = await queue.consume({
    concurrency: 1,
    fetchBatch: 1,
    handler: async (queued, delivery) => {
      const job = asAlertJob(queued);
      jobs.push(job);
      outcomes.push(
        await processAlertJob({
          ctx: {
            db: tdb.db,
            store: createFsStore({ root: dir }),
            providers,
            log,
            config: { s3Prefix: "", claimLeaseMs: 30_000 },
          },
          input: { job, delivery },
        }),
      );
    },
  });
  const pod = `api-${randomBytes(4).toString("hex")}`;
  const payload: AlertmanagerWebhook = alertmanagerWebhookSchema.parse({
    version: "4",
    status: "firing",
    receiver: "tarka",
    alerts: [
      {
        status: "firing",
        labels: { alertname: "KubePodCrashLooping", namespace: "payments", pod },
        annotations: { summary: `crash loop on ${pod}` },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: "0001-01-01T00:00:00Z",
        fingerprint: randomBytes(8).toString("hex"),
      },
    ],
  });
  try {
    const result = await ingestAlerts({
      ctx: { db: tdb.db, queue, log, config: { allowlist: [], timeWindow: "15m" } },
      input: { payload },
    });
    expect(result.enqueued).toBe(1);
    await eventually(() => outcomes.length === 1, 30_000, "the job to finish");
  } finally {
    await consumer.stop(5_000);
    await queue.close();
  }
  return { lines, job: jobs[0] as AlertJob, outcome: outcomes[0] as ProcessOutcome, fingerprint: payload.alerts[0]?.fingerprint };
}

describe("tracing off (OTEL_EXPORTER_OTLP_ENDPOINT unset)", () => {
  it("registers nothing, sends nothing and puts no trace ids in the job or its log lines", async () => {
    // The SDK's own env lookup must not switch tracing on behind lib/env.ts's back.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
    try {
      const tracing = await startTracing({ env: loadEnv({}) });
      expect(tracing.isEnabled).toBe(false);
      await withSpan("tarka.test", {}, async (span) => {
        expect(span.isRecording()).toBe(false);
        expect(traceparentOf(span)).toBeUndefined();
        expect(traceLogFields()).toEqual({});
      });
      const run = await runPipeline();
      expect(run.outcome.outcome).toBe("investigated");
      expect(run.job.traceparent).toBeUndefined();
      const stored = run.lines.find((l) => l.msg === "investigation stored");
      expect(stored).toMatchObject({ fingerprint: run.fingerprint, receiptId: run.job.receiptId });
      expect(run.lines.filter((l) => "trace_id" in l)).toEqual([]);
      await tracing.flush();
      await new Promise((r) => setTimeout(r, 300));
      expect(collector.requests).toEqual([]);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    }
  }, 60_000);
});

describe("tracing on", () => {
  it("exports ingest → publish → job → provider spans as one trace, the job a child of its publish span", async () => {
    const serviceName = `tarka-test-${randomBytes(4).toString("hex")}`;
    const tracing = await startTracing({ env: loadEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/`, OTEL_SERVICE_NAME: serviceName }) });
    expect(tracing.isEnabled).toBe(true);
    try {
      const run = await runPipeline();
      expect(run.outcome.outcome).toBe("investigated");
      await tracing.flush();
      expect(collector.requests.every((r) => r.contentType === "application/json")).toBe(true);

      const spans = collector.spansOf(serviceName);
      const byName = (name: string) => spans.filter((s) => s.name === name);
      const [ingest] = byName("tarka.ingest");
      const [publish] = byName("tarka.publish");
      const [job] = byName("tarka.job");
      const prometheus = byName("tarka.provider.prometheus");
      const [alertmanager] = byName("tarka.provider.alertmanager");
      expect(ingest && publish && job && alertmanager).toBeTruthy();
      expect(prometheus.length).toBeGreaterThan(0);
      if (!ingest || !publish || !job || !alertmanager) return;

      expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([ingest.traceId]));
      expect(ingest.parentSpanId ?? "").toBe("");
      expect(publish.parentSpanId).toBe(ingest.spanId);
      expect(job.parentSpanId).toBe(publish.spanId);
      for (const p of [...prometheus, alertmanager]) expect(p.parentSpanId).toBe(job.spanId);
      expect(run.job.traceparent).toBe(`00-${publish.traceId}-${publish.spanId}-01`);

      expect(attr(publish, "tarka.fingerprint")).toBe(run.fingerprint);
      expect(attr(job, "tarka.receipt_id")).toBe(run.job.receiptId);
      expect(run.outcome.outcome === "investigated" && attr(job, "tarka.case_id")).toBe(
        run.outcome.outcome === "investigated" ? run.outcome.caseId : null,
      );
      expect(attr(job, "tarka.outcome")).toBe("investigated");
      expect(prometheus.every((p) => p.status?.code !== 2 && attr(p, "tarka.outcome") !== "error")).toBe(true);
      expect(alertmanager.status?.code).toBe(2);
      expect(attr(alertmanager, "tarka.outcome")).toBe("error");

      const stored = run.lines.find((l) => l.msg === "investigation stored");
      expect(stored).toMatchObject({ trace_id: job.traceId, span_id: job.spanId, fingerprint: run.fingerprint, receiptId: run.job.receiptId });
      expect(stored?.caseId).toBe(run.outcome.outcome === "investigated" ? run.outcome.caseId : "");
      const failed = run.lines.find((l) => l.msg === "provider call failed" && l.provider === "alertmanager");
      expect(failed).toMatchObject({ trace_id: job.traceId, span_id: alertmanager.spanId, fingerprint: run.fingerprint });
    } finally {
      await tracing.shutdown();
    }
    expect((await startTracing({ env: loadEnv({}) })).isEnabled).toBe(false);
    await withSpan("after shutdown", {}, async (span) => expect(span.isRecording()).toBe(false));
  }, 60_000);

  it("continues a caller's trace from its traceparent and ignores a malformed one", async () => {
    const serviceName = `tarka-test-${randomBytes(4).toString("hex")}`;
    const tracing = await startTracing({ env: loadEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: serviceName }) });
    const caller = `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
    try {
      await withSpan("child", { parent: parentContext(caller) }, async () => {});
      await withSpan("fresh", { parent: parentContext("00-not-a-traceparent") }, async () => {});
      withTraceparent(caller, () => expect(traceLogFields().trace_id).toBe(caller.split("-")[1]));
      await expect(withSpan("failing", {}, async () => Promise.reject(new Error("provider exploded")))).rejects.toThrow("provider exploded");
      await tracing.flush();
    } finally {
      await tracing.shutdown();
    }
    const spans = collector.spansOf(serviceName);
    const child = spans.find((s) => s.name === "child");
    const fresh = spans.find((s) => s.name === "fresh");
    const failing = spans.find((s) => s.name === "failing");
    expect(child).toMatchObject({ traceId: caller.split("-")[1], parentSpanId: caller.split("-")[2] });
    expect(fresh?.traceId).not.toBe(caller.split("-")[1]);
    expect(fresh?.parentSpanId ?? "").toBe("");
    expect(failing?.status).toMatchObject({ code: 2, message: "provider exploded" });
  }, 30_000);
});

describe("tracing configuration", () => {
  it("defaults the service name and refuses an endpoint that is not an http(s) URL", () => {
    expect(loadEnv({}).OTEL_SERVICE_NAME).toBe("tarka");
    expect(() => loadEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "otel-collector:4318" })).toThrow(EnvError);
    expect(() => loadEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "otel-collector:4318" })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT="otel-collector:4318": expected an http\(s\) URL/,
    );
  });
});
