import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestAlerts } from "@/lib/intake/ingest-alerts";
import { parseWebhook } from "@/lib/alerts/parse-webhook";
import { alertmanagerWebhookSchema, type AlertmanagerWebhook } from "@/lib/alerts/schema";
import { cases, deadLetters, investigationRuns, receivedAlerts } from "@/lib/db/schema";
import { loadEnv } from "@/lib/env";
import { isServiceError } from "@/lib/errors";
import { createRuntime, type Runtime } from "@/lib/runtime";
import type { Consumer } from "@/lib/queue/types";
import { listCases, listCasesQuerySchema } from "@/lib/cases/list-cases";
import { testActor } from "@/test/helpers/cases";
import { startWorker } from "./start-worker";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { connectTestNats, deleteStreams, eventually, jetStreamEnv, startPrivateNatsServer, uniqueQueueNames } from "@/test/helpers/nats";
import { startS3rver, type S3rver } from "@/test/helpers/s3rver";
import { freePort } from "@/test/helpers/free-port";
import { scrapeLabels } from "@/test/helpers/scrape-labels";

let tdb: TestDatabase;
let s3: S3rver;
const names = uniqueQueueNames();
const killNames = uniqueQueueNames();
const runtimes: Runtime[] = [];
const consumers: Consumer[] = [];

function baseEnv(overrides: Record<string, string> = {}, q = names): Record<string, string> {
  return {
    // The poison-message test dead-letters on purpose; its log lines would only be noise here.
    LOG_LEVEL: "fatal",
    DATABASE_URL: tdb.url,
    DATABASE_POOL_SIZE: "4",
    ...jetStreamEnv(q),
    JETSTREAM_ACK_WAIT_SECONDS: "3",
    JETSTREAM_MAX_DELIVER: "6",
    JETSTREAM_BACKOFF_SECONDS: "1,1,1",
    CLAIM_LEASE_SECONDS: "3",
    KUBERNETES_ENABLED: "false",
    PROVIDER_TIMEOUT_MS: "15000",
    ...s3.env,
    S3_PREFIX: "investigations/",
    ...overrides,
  };
}

async function runtime(overrides: Record<string, string> = {}, q = names): Promise<Runtime> {
  const rt = await createRuntime({ env: loadEnv(baseEnv(overrides, q)), name: "test" });
  runtimes.push(rt);
  return rt;
}

function payload(alerts: Array<{ labels: Record<string, string>; fingerprint?: string; startsAt?: string }>): AlertmanagerWebhook {
  return alertmanagerWebhookSchema.parse({
    version: "4",
    status: "firing",
    receiver: "tarka",
    alerts: alerts.map((a) => ({
      status: "firing",
      labels: a.labels,
      annotations: { summary: `${a.labels.alertname} on ${a.labels.pod}` },
      startsAt: a.startsAt ?? new Date(Date.now() - 60_000).toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      ...(a.fingerprint ? { fingerprint: a.fingerprint } : {}),
    })),
  });
}

function ingestCtx(rt: Runtime) {
  return {
    db: rt.database.db,
    queue: rt.queue,
    log: rt.log,
    metrics: rt.metrics,
    config: { allowlist: rt.env.ALERTNAME_ALLOWLIST, timeWindow: "15m" },
  };
}

beforeAll(async () => {
  [tdb, s3] = await Promise.all([createTestDatabase(), startS3rver()]);
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop(5_000)));
  await Promise.all(runtimes.map((r) => r.close()));
  await deleteStreams(names.prefix);
  await deleteStreams(killNames.prefix);
  await s3?.stop();
  await tdb?.drop();
});

describe("spine: /alerts intake → JetStream → worker → S3 report + case (real PostgreSQL, NATS, s3rver)", () => {
  it("turns one alert into exactly one report object pair and one case row", async () => {
    const web = await runtime();
    const worker = await runtime();
    consumers.push(await startWorker(worker));
    const pod = `checkout-${Date.now()}`;
    const result = await ingestAlerts({
      ctx: ingestCtx(web),
      input: { payload: payload([{ labels: { alertname: "KubePodCrashLooping", namespace: "payments", pod } }]) },
    });
    expect(result).toEqual({ received: 1, enqueued: 1, skipped: { resolved: 0, allowlist: 0, snoozed: 0, duplicate: 0, invalid: 0 }, refused: [] });

    const row = await eventually(async () => {
      const [c] = await web.database.db.select().from(cases).where(eq(cases.targetName, pod));
      return c?.latestRunId ? c : undefined;
    }, 30_000, "case row");
    expect(row.runCount).toBe(1);
    expect(row.status).toBe("open");
    const keys = await web.store.list("investigations/");
    const mine = keys.filter((k) => k.includes(pod));
    expect(mine.map((k) => k.slice(k.lastIndexOf("."))).sort()).toEqual([".json", ".md"]);
    const report = JSON.parse((await web.store.get(mine.find((k) => k.endsWith(".json"))!))!);
    expect(report.family).toBe("crashloop");
    expect(report.alert.labels.pod).toBe(pod);
    const [receipt] = await web.database.db.select().from(receivedAlerts).where(sql`${receivedAlerts.labels}->>'pod' = ${pod}`);
    expect(receipt.disposition).toBe("investigated");
    expect(receipt.caseId).toBe(row.id);
  });

  it("investigates a group's valid alerts and records the one the schema refused, with the reason and a storable copy", async () => {
    const web = await runtime();
    const worker = await runtime();
    consumers.push(await startWorker(worker));
    const pod = `mixed-${Date.now()}`;
    const hostile = `${pod}-\u0000${"é".repeat(500)}`;
    const valid = payload([{ labels: { alertname: "KubePodCrashLooping", namespace: "payments", pod } }]);
    const body = { ...valid, alerts: [...valid.alerts, { labels: { alertname: "KubePodCrashLooping", namespace: "payments", pod: hostile }, startsAt: new Date().toISOString() }] };
    const parsed = await parseWebhook(body, { maxAlerts: 100 });
    const result = await ingestAlerts({ ctx: ingestCtx(web), input: { payload: parsed } });
    expect(result).toMatchObject({ received: 2, enqueued: 1, skipped: { invalid: 1 } });
    expect(result.refused).toEqual([{ index: 1, reason: expect.stringMatching(/^alerts\.1\.labels\.pod: /) }]);
    expect(JSON.stringify(result)).not.toContain("é");

    await eventually(async () => {
      const [c] = await web.database.db.select().from(cases).where(eq(cases.targetName, pod));
      return c?.latestRunId ? c : undefined;
    }, 30_000, "the valid alert's case");
    const receipts = await web.database.db.select().from(receivedAlerts).where(sql`${receivedAlerts.labels}->>'pod' like ${`${pod}%`}`);
    const refused = receipts.find((r) => r.disposition === "skipped_invalid");
    expect(refused?.dispositionReason).toMatch(/alerts\.1\.labels\.pod: (contains a NUL byte|longer than 800 bytes)/);
    expect(Buffer.byteLength(refused!.labels.pod)).toBeLessThanOrEqual(800);
    expect(refused!.labels.pod.startsWith(`${pod}-é`)).toBe(true);
    expect(receipts.filter((r) => r.disposition === "investigated")).toHaveLength(1);
  });

  it("closes the case when the alert resolves and reopens it when it fires again", async () => {
    const web = await runtime();
    const pod = `flappy-${Date.now()}`;
    const labels = { alertname: "KubePodCrashLooping", namespace: "payments", pod };
    const startsAt = new Date(Date.now() - 300_000).toISOString();
    await ingestAlerts({ ctx: ingestCtx(web), input: { payload: payload([{ labels, startsAt }]) } });
    const caseId = await eventually(async () => {
      const [c] = await web.database.db.select().from(cases).where(eq(cases.targetName, pod));
      return c?.latestRunId ? c.id : undefined;
    }, 30_000, "case");
    const resolved = alertmanagerWebhookSchema.parse({
      status: "resolved",
      alerts: [{ status: "resolved", labels, startsAt, endsAt: new Date(Date.now() - 1_000).toISOString() }],
    });
    const r = await ingestAlerts({ ctx: ingestCtx(web), input: { payload: resolved } });
    expect(r.skipped.resolved).toBe(1);
    const [closed] = await web.database.db.select().from(cases).where(eq(cases.id, caseId));
    expect(closed.status).toBe("resolved");
    expect(closed.resolvedAt).not.toBeNull();

    await ingestAlerts({ ctx: ingestCtx(web), input: { payload: payload([{ labels, startsAt: new Date().toISOString() }]) } });
    const reopened = await eventually(async () => {
      const [c] = await web.database.db.select().from(cases).where(eq(cases.id, caseId));
      return c.status === "open" ? c : undefined;
    }, 30_000, "reopened case");
    expect(reopened.resolvedAt).toBeNull();
  });

  it("investigates the same alert sent 50 times concurrently exactly once, with 3 worker loops", async () => {
    const web = await runtime();
    for (let i = 0; i < 2; i++) consumers.push(await startWorker(await runtime()));
    const pod = `burst-${Date.now()}`;
    const startsAt = new Date(Date.now() - 120_000).toISOString();
    // Half are byte-identical notifications (JetStream's Nats-Msg-Id window drops them); the other half
    // differ in a label, so they reach the workers and only the PostgreSQL claim keeps them apart.
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ingestAlerts({
          ctx: ingestCtx(web),
          input: {
            payload: payload([
              {
                labels: { alertname: "KubePodCrashLooping", namespace: "payments", pod, ...(i % 2 ? { replica: String(i) } : {}) },
                startsAt,
              },
            ]),
          },
        }),
      ),
    );
    expect(results.reduce((n, r) => n + r.received, 0)).toBe(50);
    const receipts = await eventually(async () => {
      const rows = await web.database.db.select().from(receivedAlerts).where(sql`${receivedAlerts.labels}->>'pod' = ${pod}`);
      return rows.length === 50 && rows.every((r) => r.disposition !== "queued") ? rows : undefined;
    }, 60_000, "all 50 alerts settled");
    const runs = await web.database.db
      .select()
      .from(investigationRuns)
      .innerJoin(cases, eq(cases.id, investigationRuns.caseId))
      .where(eq(cases.targetName, pod));
    expect(runs).toHaveLength(1);
    expect(receipts.filter((r) => r.disposition === "investigated")).toHaveLength(1);
    expect(receipts.filter((r) => r.disposition === "skipped_duplicate")).toHaveLength(49);
    expect((await web.store.list("investigations/")).filter((k) => k.includes(pod))).toHaveLength(2);
  });

  it("files kube-state-metrics alerts under the deployments and nodes they are about: four alerts, four cases, four reports", async () => {
    const web = await runtime();
    const run = Date.now();
    const ksm = { ...scrapeLabels["kube-state-metrics"], severity: "warning" };
    const subjects = [`cart-${run}`, `checkout-${run}`, `node-a-${run}`, `node-b-${run}`];
    const alerts = [
      { ...ksm, alertname: "KubeDeploymentReplicasMismatch", namespace: "shop", deployment: subjects[0] },
      { ...ksm, alertname: "KubeDeploymentReplicasMismatch", namespace: "shop", deployment: subjects[1] },
      { ...ksm, alertname: "KubeNodeNotReady", node: subjects[2], condition: "Ready", status: "true" },
      { ...ksm, alertname: "KubeNodeNotReady", node: subjects[3], condition: "Ready", status: "true" },
    ];
    // kube-prometheus' summaries do not name the object, like these.
    const body = alertmanagerWebhookSchema.parse({
      status: "firing",
      alerts: alerts.map((labels) => ({ status: "firing", labels, annotations: {}, startsAt: new Date(Date.now() - 60_000).toISOString() })),
    });
    const result = await ingestAlerts({ ctx: ingestCtx(web), input: { payload: body } });
    expect(result.enqueued).toBe(4);

    const rows = await eventually(async () => {
      const r = await web.database.db.select().from(cases).where(inArray(cases.targetName, subjects));
      return r.length === 4 && r.every((c) => c.latestRunId) ? r : undefined;
    }, 60_000, "four cases");
    const byName = new Map(rows.map((c) => [c.targetName, c]));
    expect(subjects.map((n) => [byName.get(n)?.targetType, byName.get(n)?.namespace])).toEqual([
      ["workload", "shop"],
      ["workload", "shop"],
      ["node", null],
      ["node", null],
    ]);
    expect(byName.get(subjects[2])?.title).toBe(`KubeNodeNotReady · ${subjects[2]}`);
    for (const c of rows) expect(`${c.title} ${c.service ?? ""} ${c.targetName}`).not.toContain("kube-state-metrics");

    const runs = await web.database.db.select().from(investigationRuns).where(inArray(investigationRuns.caseId, rows.map((c) => c.id)));
    expect(new Set(runs.map((r) => r.reportKey)).size).toBe(4);
    const stored = await web.store.list("investigations/");
    for (const r of runs) {
      expect(stored).toContain(`${r.reportKey}.json`);
      const report = JSON.parse((await web.store.get(`${r.reportKey}.json`))!);
      expect(subjects).toContain(report.target.name);
      expect(report.alert.labels.node ?? report.alert.labels.deployment).toBe(report.target.name);
    }

    const listed = await listCases({
      ctx: { db: web.database.db, actor: testActor("viewer"), now: new Date() },
      input: listCasesQuerySchema.parse({ limit: "200" }),
    });
    const mine = listed.items.filter((c) => c.alertname.startsWith("Kube") && c.targetName?.endsWith(String(run)));
    expect(mine.map((c) => [c.targetType, c.targetName]).sort()).toEqual([
      ["node", subjects[2]],
      ["node", subjects[3]],
      ["workload", subjects[0]],
      ["workload", subjects[1]],
    ]);
  });

  it("dead-letters a poison message instead of retrying it forever", async () => {
    const web = await runtime();
    const nc = await connectTestNats();
    const { jetstream } = await import("@nats-io/jetstream");
    await jetstream(nc).publish(names.subject, "{not json");
    await jetstream(nc).publish(names.subject, JSON.stringify({ alert: { fingerprint: "x" } }));
    await nc.close();
    const rows = await eventually(async () => {
      const r = await web.database.db.select().from(deadLetters).where(eq(deadLetters.kind, "invalid_payload"));
      return r.length >= 2 ? r : undefined;
    }, 30_000, "dead letters");
    expect(rows.map((r) => r.deliveries).every((d) => d >= 1)).toBe(true);
    expect((await web.queue.listDeadLetters(10)).filter((d) => d.kind === "invalid_payload").length).toBeGreaterThanOrEqual(2);
  });

  it("refuses with unavailable (→ 503) when NATS is down, and records the failure", async () => {
    const nats = await startPrivateNatsServer();
    try {
      const web = await runtime({ NATS_URL: nats.url });
      await nats.stop();
      const pod = `nats-down-${Date.now()}`;
      const started = Date.now();
      const error = await ingestAlerts({
        ctx: ingestCtx(web),
        input: { payload: payload([{ labels: { alertname: "KubePodCrashLooping", namespace: "payments", pod } }]) },
      }).catch((e: unknown) => e);
      expect(isServiceError(error) && error.code).toBe("unavailable");
      expect(Date.now() - started).toBeLessThan(10_000);
      const [receipt] = await web.database.db.select().from(receivedAlerts).where(sql`${receivedAlerts.labels}->>'pod' = ${pod}`);
      expect(receipt.disposition).toBe("enqueue_failed");
    } finally {
      await nats.destroy();
    }
  });
});

describe("spine: PostgreSQL down", () => {
  it("refuses with unavailable (→ 503) instead of accepting an alert it cannot record", async () => {
    const doomed = await createTestDatabase();
    const web = await createRuntime({ env: loadEnv(baseEnv({ DATABASE_URL: doomed.url })), name: "test" });
    try {
      await doomed.drop();
      const error = await ingestAlerts({
        ctx: ingestCtx(web),
        input: { payload: payload([{ labels: { alertname: "KubePodCrashLooping", namespace: "payments", pod: `db-down-${Date.now()}` } }]) },
      }).catch((e: unknown) => e);
      expect(isServiceError(error) && error.code).toBe("unavailable");
      expect((error as Error).message).toMatch(/database unavailable|could not record/);
    } finally {
      await web.close().catch(() => undefined);
    }
  });
});

describe("spine: a worker killed mid-investigation", () => {
  let slow: http.Server;
  let child: ChildProcess | undefined;
  let hits = 0;

  afterAll(async () => {
    child?.kill("SIGKILL");
    await new Promise((r) => slow?.close(r));
  });

  it("is redelivered to another worker and the report is still written exactly once", async () => {
    let firstRequestSeen!: () => void;
    const firstRequest = new Promise<void>((r) => (firstRequestSeen = r));
    slow = http.createServer((req, res) => {
      hits += 1;
      firstRequestSeen();
      // Evidence that takes a while: the first worker is killed while waiting for it.
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"success","data":{"resultType":"vector","result":[]}}'), hits <= 3 ? 5_000 : 10);
    });
    const port = await freePort();
    await new Promise<void>((r) => slow.listen(port, "127.0.0.1", r));
    const env = baseEnv({ PROMETHEUS_URL: `http://127.0.0.1:${port}`, WORKER_PORT: String(await freePort()) }, killNames);

    // One process (no tsx launcher in between), so SIGKILL really kills the worker.
    child = spawn(process.execPath, ["--import", "tsx", "worker/main.ts"], {
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
    const web = await runtime({}, killNames);
    const pod = `killed-${Date.now()}`;
    await ingestAlerts({
      ctx: ingestCtx(web),
      input: { payload: payload([{ labels: { alertname: "KubePodCrashLooping", namespace: "payments", pod } }]) },
    });
    await firstRequest;
    child.kill("SIGKILL");

    const survivor = await runtime({ PROMETHEUS_URL: `http://127.0.0.1:${port}` }, killNames);
    consumers.push(await startWorker(survivor));
    const receipt = await eventually(async () => {
      const [r] = await web.database.db.select().from(receivedAlerts).where(sql`${receivedAlerts.labels}->>'pod' = ${pod}`);
      return r?.disposition === "investigated" ? r : undefined;
    }, 60_000, "redelivered investigation");
    const runs = await web.database.db.select().from(investigationRuns).where(and(eq(investigationRuns.caseId, receipt.caseId!)));
    expect(runs).toHaveLength(1);
    expect((await web.store.list("investigations/")).filter((k) => k.includes(pod))).toHaveLength(2);
    const exposition = await survivor.metrics.registry.metrics();
    expect(exposition).toMatch(/tarka_provider_call_duration_seconds_count\{provider="prometheus",outcome="[a-z]+"\} [1-9]/);
    expect(exposition).toMatch(/tarka_investigations_total\{family="crashloop",classification="[a-z]+",outcome="succeeded"\} 1/);
  });
});

describe("worker process shutdown", () => {
  it("on SIGTERM stops fetching, finishes the in-flight investigation and exits 0", async () => {
    const q = uniqueQueueNames();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let seen!: () => void;
    const requested = new Promise<void>((r) => (seen = r));
    const slowProm = http.createServer((req, res) => {
      seen();
      void held.then(() =>
        res.writeHead(200, { "content-type": "application/json" }).end('{"status":"success","data":{"resultType":"vector","result":[]}}'),
      );
    });
    const port = await freePort();
    await new Promise<void>((r) => slowProm.listen(port, "127.0.0.1", r));
    const env = baseEnv({ PROMETHEUS_URL: `http://127.0.0.1:${port}`, WORKER_PORT: String(await freePort()), JETSTREAM_ACK_WAIT_SECONDS: "60" }, q);
    const worker = spawn(process.execPath, ["--import", "tsx", "worker/main.ts"], { env: { ...process.env, ...env }, stdio: "ignore" });
    const exited = new Promise<number | null>((r) => worker.once("exit", (code) => r(code)));
    try {
      const web = await runtime({}, q);
      const pod = `draining-${Date.now()}`;
      await ingestAlerts({
        ctx: ingestCtx(web),
        input: { payload: payload([{ labels: { alertname: "KubePodCrashLooping", namespace: "payments", pod } }]) },
      });
      await requested;
      worker.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      expect(worker.exitCode).toBeNull();
      release();
      expect(await exited).toBe(0);
      const [receipt] = await web.database.db.select().from(receivedAlerts).where(sql`${receivedAlerts.labels}->>'pod' = ${pod}`);
      expect(receipt.disposition).toBe("investigated");
    } finally {
      release();
      worker.kill("SIGKILL");
      await new Promise((r) => slowProm.close(r));
      await deleteStreams(q.prefix);
    }
  });
});
