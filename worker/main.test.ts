import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ingestAlerts } from "@/lib/intake/ingest-alerts";
import { alertmanagerWebhookSchema } from "@/lib/alerts/schema";
import { receivedAlerts } from "@/lib/db/schema";
import { loadEnv } from "@/lib/env";
import { buildScenarios, seedOf } from "@/test/scenarios/families";
import { createRuntime, type Runtime } from "@/lib/runtime";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { startFakeKubernetes, writeKubeconfig, type FakeKubernetes } from "@/test/helpers/fake-kubernetes";
import { startFakeLoki, type FakeLoki } from "@/test/helpers/fake-loki";
import { freePort } from "@/test/helpers/free-port";
import { deleteStreams, eventually, jetStreamEnv, uniqueQueueNames } from "@/test/helpers/nats";
import { startS3rver, type S3rver } from "@/test/helpers/s3rver";
import { bundle } from "./build";

const repo = path.resolve(import.meta.dirname, "..");
const names = uniqueQueueNames();
const scenario = buildScenarios({ now: new Date(), prefix: `w${Date.now().toString(36)}` }).find((s) => s.family === "crashloop")!;
let outdir: string;
let tdb: TestDatabase;
let s3: S3rver;
let kube: FakeKubernetes;
let loki: FakeLoki;
let web: Runtime | undefined;
let worker: ChildProcess | undefined;

/** The worker container's command from the Deployment, e.g. ["node", "--max-old-space-size=192", "--max-semi-space-size=8", "dist/worker/main.mjs"]. */
function shippedCommand(): string[] {
  const docs = parseAllDocuments(readFileSync(path.join(repo, "k8s/worker-deployment.yaml"), "utf8")).map((d) => d.toJS());
  return docs.find((d) => d?.kind === "Deployment").spec.template.spec.containers.find((c: { name: string }) => c.name === "worker").args;
}

beforeAll(async () => {
  outdir = mkdtempSync(path.join(os.tmpdir(), "tarka-worker-bundle-"));
  const seed = seedOf([scenario.firing]);
  [tdb, s3, kube, loki] = await Promise.all([
    createTestDatabase(),
    startS3rver(),
    startFakeKubernetes({ objects: seed.objects, logs: seed.podLogs }),
    startFakeLoki({ streams: seed.streams }),
    bundle({ entryPoints: { main: "worker/main.ts" }, outdir }),
  ]);
});

afterAll(async () => {
  worker?.kill("SIGKILL");
  await web?.close();
  await deleteStreams(names.prefix);
  await Promise.all([s3?.stop(), kube?.stop(), loki?.stop()]);
  await tdb?.drop();
  rmSync(outdir, { recursive: true, force: true });
});

describe("the shipped worker (bundle built by worker/build.ts, started as k8s/worker-deployment.yaml starts it)", () => {
  it("investigates a job with the real Kubernetes, Loki, S3, NATS and PostgreSQL clients, then drains and exits 0 on SIGTERM", async () => {
    const [node, ...args] = shippedCommand();
    expect(node).toBe("node");
    expect(args.at(-1)).toBe("dist/worker/main.mjs");
    const workerPort = await freePort();
    const env = {
      LOG_LEVEL: "fatal",
      DATABASE_URL: tdb.url,
      DATABASE_POOL_SIZE: "4",
      ...jetStreamEnv(names),
      ...s3.env,
      S3_PREFIX: "investigations/",
      KUBECONFIG: writeKubeconfig(kube.url),
      LOGS_URL: loki.url,
      LOGS_BACKEND: "loki",
      WORKER_PORT: String(workerPort),
    };
    worker = spawn(process.execPath, [...args.slice(0, -1), path.join(outdir, "main.mjs")], { cwd: repo, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    worker.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => worker!.once("exit", (code) => r(code)));

    const readyz = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${workerPort}/readyz`).catch(() => undefined);
      return res?.ok ? ((await res.json()) as { checks: Record<string, string> }) : undefined;
    }, 30_000, "worker /readyz").catch((e: Error) => {
      throw new Error(`${e.message}; worker stderr: ${stderr}`);
    });
    expect(readyz.checks).toMatchObject({ database: "ok", queue: "ok", storage: "ok" });

    web = await createRuntime({ env: loadEnv({ ...env, LOG_LEVEL: "fatal", KUBECONFIG: undefined, LOGS_URL: undefined }), name: "test" });
    const { alert } = scenario.firing;
    const payload = alertmanagerWebhookSchema.parse({
      status: "firing",
      alerts: [{ status: "firing", labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt, endsAt: "0001-01-01T00:00:00Z" }],
    });
    await ingestAlerts({
      ctx: { db: web.database.db, queue: web.queue, log: web.log, metrics: web.metrics, config: { allowlist: [], timeWindow: "1h" } },
      input: { payload },
    });
    const receipt = await eventually(async () => {
      const [r] = await web!.database.db.select().from(receivedAlerts).where(sql`${receivedAlerts.labels}->>'pod' = ${alert.labels.pod}`);
      return r?.disposition === "investigated" ? r : undefined;
    }, 45_000, "investigated alert");
    expect(receipt.caseId).toBeTruthy();

    const key = (await web.store.list("investigations/")).find((k) => k.includes(alert.labels.pod!) && k.endsWith(".json"));
    const report = JSON.parse((await web.store.get(key!))!) as { family: string; queries: Array<{ provider: string; outcome: string }> };
    expect(report.family).toBe("crashloop");
    const outcomes = (provider: string) => report.queries.filter((q) => q.provider === provider).map((q) => q.outcome);
    expect(outcomes("kubernetes").length).toBeGreaterThan(0);
    expect(outcomes("kubernetes").every((o) => o === "ok" || o === "empty")).toBe(true);
    expect(outcomes("logs")).toContain("ok");
    expect(kube.requests.length).toBeGreaterThan(0);
    const metrics = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
    expect(metrics).toMatch(/tarka_investigations_total\{family="crashloop",classification="[a-z]+",outcome="succeeded"\} 1/);

    worker.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("a SIGTERM while the consumer is still starting (NATS accepts but never answers) still ends in exit 0", async () => {
    // The NATS client gives up connecting after 3 s; the signal goes in as soon as /healthz answers.
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const natsPort = (silent.address() as net.AddressInfo).port;
    const workerPort = await freePort();
    const [, ...args] = shippedCommand();
    const env = {
      LOG_LEVEL: "fatal",
      DATABASE_URL: tdb.url,
      ...jetStreamEnv(uniqueQueueNames(), `nats://127.0.0.1:${natsPort}`),
      ...s3.env,
      WORKER_PORT: String(workerPort),
    };
    const child = spawn(process.execPath, [...args.slice(0, -1), path.join(outdir, "main.mjs")], { cwd: repo, env: { ...process.env, ...env }, stdio: "ignore" });
    try {
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));
      await eventually(async () => (await fetch(`http://127.0.0.1:${workerPort}/healthz`).catch(() => undefined))?.ok || undefined, 30_000, "worker /healthz");
      child.kill("SIGTERM");
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      child.kill("SIGKILL");
      silent.close();
    }
  });
});
