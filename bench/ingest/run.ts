// npm run bench:ingest — /alerts throughput and latency on the production build with JetStream,
// against two baselines measured in the same run, then a zero-loss check. Prints figures; asserts nothing
// about speed (targets are compared in the printed table and in docs/benchmarks.md).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { jetstreamManager } from "@nats-io/jetstream";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { receivedAlerts } from "@/lib/db/schema";
import { loadEnv } from "@/lib/env";
import { startWorker } from "@/lib/jobs/start-worker";
import { createRuntime } from "@/lib/runtime";
import { loadSources } from "@/lib/sources/config";
import { sourceAlerts } from "@/lib/sources/ingest-source-payload";
import { signStandardWebhook, standardWebhookKey } from "@/lib/sources/standard-webhooks";
import { verifySender } from "@/lib/sources/verify-sender";
import { createTestDatabase } from "@/test/helpers/database";
import { freePort } from "@/test/helpers/free-port";
import { connectTestNats, deleteStreams, jetStreamEnv, uniqueQueueNames } from "@/test/helpers/nats";
import { processCpuMicros } from "../shared/process-cpu";
import { checkReceipts, settlementOf } from "../shared/storm";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const POOL = 500;
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");

/** Fingerprint → how many requests carrying it were answered 2xx, for the receipt-by-receipt check. */
const acceptedCopies = new Map<string, number>();
const RUN_TAG = Date.now().toString(36);
/** Numbers the requests of every scenario: a scenario run twice sends new alerts and new delivery ids. */
let requestSeq = 0;
/** Alertmanager's bearer token for /alerts (`http_config.authorization`), sent on every row but the signed source's. */
const ALERTS_TOKEN = "bench-alertmanager-token-0123456789";
/** A generic source signed with Standard Webhooks, as an operator configures one in HTTP_SOURCES_FILE. */
const SOURCE_ID = "bench";
const SOURCE_SECRET = `whsec_${Buffer.from("tarka-bench-source-secret-32byte").toString("base64")}`;
const SOURCES_YAML = `sources:
  - id: ${SOURCE_ID}
    preset: generic
    secret: ${SOURCE_SECRET}
    mapping:
      alerts: "checks"
      fingerprint: "id"
      alertname: "'KubePodCrashLooping'"
      status: "'firing'"
      labels: "{ 'namespace': 'bench', 'pod': pod, 'severity': 'warning' }"
      annotations: "{ 'summary': summary }"
      startsAt: "since"
`;

type Row = { name: string; reqPerS: number; alertsPerS: number; p50: number; p99: number; non2xx: number; accepted: number; cpuUsPerReq?: number };

/** Rounds of the signed-source comparison: each path measured this many times, alternating. */
const COMPARE_ROUNDS = Number(process.env.BENCH_COMPARE_ROUNDS ?? 4);
/** Signed source ÷ /alerts request rate, per round. */
let signedVsAlerts: number[] = [];
/** Signed source ÷ /alerts server CPU per request, per round. */
let signedVsAlertsCpu: number[] = [];
/** CPU µs of verification plus mapping per signed request, measured in this process. */
let verifyMapUs = NaN;

/** Rows of the same scenario as one: rates and counts summed or averaged over the rounds, latencies the worst round's. */
function meanRow(rounds: Row[]): Row {
  const mean = (f: (r: Row) => number) => rounds.reduce((n, r) => n + f(r), 0) / rounds.length;
  return {
    name: `${rounds[0].name} (mean of ${rounds.length})`,
    reqPerS: mean((r) => r.reqPerS),
    alertsPerS: mean((r) => r.alertsPerS),
    p50: Math.max(...rounds.map((r) => r.p50)),
    p99: Math.max(...rounds.map((r) => r.p99)),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    accepted: rounds.reduce((n, r) => n + r.accepted, 0),
    cpuUsPerReq: mean((r) => r.cpuUsPerReq ?? NaN),
  };
}

/** Pod `n` of the pool of 500 every scenario's alerts come from. */
function poolPod(n: number): string {
  return `api-${(n % POOL).toString(16).padStart(8, "0")}`;
}

/**
 * Request `seq` of a scenario: `alertsPerRequest` alerts drawn from a pool of 500 (as a flapping
 * fleet repeats itself), or, with `distinct`, alerts never sent before. Distinct alerts still come
 * from the pool's pods: each is recorded and queued as its own alert, while the worker investigates at
 * most one per pod and records the rest as dedupe skips, which bounds the zero-loss drain.
 */
function request(alertsPerRequest: number, seq: number, distinct: boolean): { body: string; fingerprints: string[] } {
  const alerts = Array.from({ length: alertsPerRequest }, (_, i) => {
    const n = seq * alertsPerRequest + i;
    const id = distinct ? `${RUN_TAG}-${n}` : (n % POOL).toString(16).padStart(8, "0");
    const pod = poolPod(n);
    return {
      status: "firing",
      labels: { alertname: "KubePodCrashLooping", namespace: "bench", pod, severity: "warning" },
      annotations: { summary: `bench pod ${pod} crash looping` },
      startsAt: "2026-11-23T08:00:00Z",
      endsAt: "0001-01-01T00:00:00Z",
      fingerprint: distinct ? `d${id}` : `bench${id}`,
    };
  });
  const body = JSON.stringify({ version: "4", status: "firing", receiver: "tarka", groupKey: "bench", alerts });
  return { body, fingerprints: alerts.map((a) => a.fingerprint) };
}

/** Request `seq` to the signed source: one alert never sent before (a pool pod, as above), signed over the raw body (a fresh webhook-id each, as senders do). */
function signedSourceRequest(seq: number, signingKey: Buffer): { body: string; headers: Record<string, string>; fingerprints: string[] } {
  const id = `${RUN_TAG}-s${seq}`;
  const pod = poolPod(seq);
  const body = JSON.stringify({ checks: [{ id, pod, summary: `bench pod ${pod} crash looping`, since: "2026-11-23T08:00:00Z" }] });
  const msgId = `msg_${id}`;
  const timestampS = Math.floor(Date.now() / 1000);
  const headers = {
    "content-type": "application/json",
    "webhook-id": msgId,
    "webhook-timestamp": String(timestampS),
    "webhook-signature": signStandardWebhook(signingKey, msgId, timestampS, body),
  };
  return { body, headers, fingerprints: [`${SOURCE_ID}:${id}`] };
}

/**
 * CPU per request of exactly what the signed source adds, in this process: the sender check, the JSON
 * parse and the mapping (with the alert schema check /alerts also runs), over requests shaped as the
 * signed row sends. The rate comparison above also carries what differs between the two routes.
 */
async function verifyAndMapMicros(sourcesFile: string, signingKey: Buffer): Promise<number> {
  const [source] = loadSources({ path: sourcesFile, secrets: {} });
  const requests = Array.from({ length: 25_000 }, (_, i) => {
    const r = signedSourceRequest(1_000_000_000 + i, signingKey);
    return { headers: new Headers(r.headers), body: Buffer.from(r.body) };
  });
  const options = { jiraProjectFilter: [], maxAlerts: 1_000, now: new Date() };
  const run = async (batch: typeof requests) => {
    for (const r of batch) {
      verifySender(source, r.headers, r.body, options.now);
      await sourceAlerts(source, JSON.parse(r.body.toString("utf8")), options);
    }
  };
  await run(requests.slice(0, 5_000));
  const before = process.cpuUsage();
  await run(requests.slice(5_000));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 20_000;
}

/**
 * The zero-loss drain's time limit: a floor plus a budget per alert at half the pace of a full
 * investigation (docs/benchmarks.md: 50–75 reports/s at concurrency 8), though most alerts end as
 * dedupe skips; so a slow machine still finishes, and a stuck worker is not waited on for the fixed
 * half hour that printed its undrained receipts as losses.
 */
const DRAIN_FLOOR_MS = 120_000;
const DRAIN_MS_PER_ALERT = 40;
/** Stop early when no alert settled for this long: the worker is stuck, waiting longer tells nothing new. */
const DRAIN_STALL_MS = 120_000;

type Drain = { seconds: number; settledAlerts: number; limitMs: number; outcome: "settled" | "stopped at its limit" | "stopped: stalled" };

/** Run the worker until every alert is settled, its limit passes, or it stalls; prints progress each minute. */
async function drainQueue(db: Db, fingerprints: string[]): Promise<Drain> {
  const limitMs = DRAIN_FLOOR_MS + fingerprints.length * DRAIN_MS_PER_ALERT;
  const start = performance.now();
  let lastProgressAt = start;
  let lastSettled = -1;
  let lastPrintAt = start;
  for (;;) {
    const s = await settlementOf(db, fingerprints);
    const now = performance.now();
    const seconds = (now - start) / 1000;
    if (s.queued === 0 && s.settledAlerts >= fingerprints.length) return { seconds, settledAlerts: s.settledAlerts, limitMs, outcome: "settled" };
    if (s.settledAlerts > lastSettled) [lastSettled, lastProgressAt] = [s.settledAlerts, now];
    if (now - lastProgressAt > DRAIN_STALL_MS) return { seconds, settledAlerts: s.settledAlerts, limitMs, outcome: "stopped: stalled" };
    if (now - start > limitMs) return { seconds, settledAlerts: s.settledAlerts, limitMs, outcome: "stopped at its limit" };
    if (now - lastPrintAt > 60_000) {
      console.log(`drain: ${s.settledAlerts} of ${fingerprints.length} alerts settled, ${s.queued} receipts queued, ${seconds.toFixed(0)} s`);
      lastPrintAt = now;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Messages the work stream still holds (acked ones are gone: work-queue retention). */
async function messagesInStream(stream: string): Promise<number> {
  const nc = await connectTestNats();
  try {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

function countAccepted(fingerprints: string[]): void {
  for (const fp of fingerprints) acceptedCopies.set(fp, (acceptedCopies.get(fp) ?? 0) + 1);
}

/** `serverPid`: the server process whose CPU per request is measured beside the rate. */
async function load(name: string, url: string, alertsPerRequest: number, distinct = false, signingKey?: Buffer, serverPid?: number): Promise<Row> {
  // Each connection has one request in flight, so its context holds the alerts of the answer that comes back.
  type Context = { fingerprints?: string[] };
  const cpuBefore = serverPid ? processCpuMicros(serverPid) : 0;
  const result = await autocannon({
    url,
    method: "POST",
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { "content-type": "application/json", authorization: `Bearer ${ALERTS_TOKEN}` },
    requests: [
      {
        setupRequest: (req, context: Context) => {
          if (signingKey) {
            const next = signedSourceRequest(requestSeq++, signingKey);
            context.fingerprints = next.fingerprints;
            return { ...req, body: next.body, headers: next.headers };
          }
          const next = request(alertsPerRequest, requestSeq++, distinct);
          context.fingerprints = next.fingerprints;
          return { ...req, body: next.body };
        },
        onResponse: (status, _body, context: Context) => {
          if (status >= 200 && status < 300) countAccepted(context.fingerprints ?? []);
        },
      },
    ],
  });
  const ok = result["2xx"];
  return {
    name,
    reqPerS: result.requests.average,
    alertsPerS: (ok * alertsPerRequest) / DURATION_S,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    accepted: ok * alertsPerRequest,
    ...(serverPid ? { cpuUsPerReq: (processCpuMicros(serverPid) - cpuBefore) / result.requests.total } : {}),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Open-loop load at a fixed rate: request n is due at start + n/rate whatever the server does, and
 * its latency counts from that due time, so a stalled server cannot hide its queue (coordinated
 * omission). autocannon's own rate limit sends each connection's quota in a burst at the start of
 * every second and corrects for omission with a 1 ms interval, which measures its bursts instead.
 */
async function fixedRate(name: string, url: string, rate: number): Promise<Row> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = rate * DURATION_S;
  const latencies: number[] = [];
  let failed = 0;
  let done = 0;
  let sent = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const fire = (seq: number) => {
      const due = start + (seq * 1000) / rate;
      const { body, fingerprints } = request(1, seq, false);
      const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${ALERTS_TOKEN}` } }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
            latencies.push(performance.now() - due);
            countAccepted(fingerprints);
          } else failed++;
          if (++done === total) resolve();
        });
      });
      req.on("error", () => {
        failed++;
        if (++done === total) resolve();
      });
      req.end(body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) fire(sent++);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const elapsedS = (performance.now() - start) / 1000;
  return {
    name,
    reqPerS: latencies.length / elapsedS,
    alertsPerS: latencies.length / elapsedS,
    p50: Math.round(percentile(sorted, 50) * 10) / 10,
    p99: Math.round(percentile(sorted, 99) * 10) / 10,
    non2xx: failed,
    accepted: latencies.length,
  };
}

async function waitHttp(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (await fetch(url).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start`);
}

function startNext(dir: string, port: number, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: "ignore",
  });
}

// The baseline app is built with webpack: Turbopack takes the lockfile folder (this repo) as its
// root and would pick up Tarka's own instrumentation.ts. Request handling at run time is the same server.
function build(dir: string, bundler: "turbopack" | "webpack"): void {
  const r = spawnSync(process.execPath, [NEXT_BIN, "build", ...(bundler === "webpack" ? ["--webpack"] : [])], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error(`next build ${dir} failed`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function main(): Promise<void> {
  const emptyApp = path.join(ROOT, "bench/ingest/empty-app");
  if (!fs.existsSync(path.join(ROOT, ".next/BUILD_ID"))) build(ROOT, "turbopack");
  if (!fs.existsSync(path.join(emptyApp, ".next/BUILD_ID"))) build(emptyApp, "webpack");

  const rows: Row[] = [];

  const barePort = await freePort();
  const bare = spawn(process.execPath, [path.join(ROOT, "bench/ingest/bare-server.mjs"), String(barePort)], { stdio: "ignore" });
  await waitHttp(`http://127.0.0.1:${barePort}/`, bare, "bare server");
  rows.push(await load("baseline: bare node:http, 1 alert", `http://127.0.0.1:${barePort}/alerts`, 1));
  await stop(bare);

  const emptyPort = await freePort();
  const empty = startNext(emptyApp, emptyPort, {});
  await waitHttp(`http://127.0.0.1:${emptyPort}/`, empty, "empty Next.js app");
  await load("warm-up empty", `http://127.0.0.1:${emptyPort}/alerts`, 1);
  rows.push(await load("baseline: empty Next.js route handler, 1 alert", `http://127.0.0.1:${emptyPort}/alerts`, 1));
  rows.push(await fixedRate("baseline: empty Next.js route handler, fixed 300 req/s (open loop)", `http://127.0.0.1:${emptyPort}/alerts`, 300));
  await stop(empty);

  const db = await createTestDatabase();
  const names = uniqueQueueNames();
  const queueEnv = {
    ...jetStreamEnv(names),
    // /alerts checks its sender as deployed (a bearer token), so the signed source is compared with an authenticated route.
    WEBHOOK_BEARER_TOKEN: ALERTS_TOKEN,
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-bench-"));
  const tarkaPort = await freePort();
  const sourcesFile = path.join(dataDir, "sources.yaml");
  fs.writeFileSync(sourcesFile, SOURCES_YAML);
  const tarka = startNext(ROOT, tarkaPort, { ...queueEnv, DATABASE_URL: db.url, DATA_DIR: dataDir, LOG_LEVEL: "error", HTTP_SOURCES_FILE: sourcesFile });
  const alertsUrl = `http://127.0.0.1:${tarkaPort}/alerts`;
  try {
    await waitHttp(`http://127.0.0.1:${tarkaPort}/healthz`, tarka, "tarka web");
    // Only what Tarka answered is owed a receipt; the baselines above sent the same fingerprints.
    acceptedCopies.clear();
    rows.push(await load("warm-up tarka", alertsUrl, 1));
    rows.push(await load("tarka /alerts, 1 alert per request", alertsUrl, 1));
    rows.push(await load("tarka /alerts, 20 alerts per request", alertsUrl, 20));
    // The signed source against /alerts, both every alert distinct, in alternating rounds (A B B A …) after
    // a warm-up of each path: one run of each after the other measured the source cold and on a bigger
    // ledger, which alone moved the ratio by 0.2.
    const sourceUrl = `http://127.0.0.1:${tarkaPort}/sources/${SOURCE_ID}/ingest`;
    const signingKey = standardWebhookKey(SOURCE_SECRET);
    const distinct = () => load("tarka /alerts, 1 alert per request, every alert distinct", alertsUrl, 1, true, undefined, tarka.pid);
    const signed = () => load("tarka signed source (generic, Standard Webhooks), 1 alert per request, every alert distinct", sourceUrl, 1, true, signingKey, tarka.pid);
    rows.push({ ...(await signed()), name: "warm-up signed source" });
    const rounds: Row[][] = [[], []];
    for (let round = 0; round < COMPARE_ROUNDS; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const which of order) rounds[which].push(await (which === 0 ? distinct() : signed()));
    }
    rows.push(meanRow(rounds[0]), meanRow(rounds[1]));
    signedVsAlerts = rounds[1].map((r, i) => r.reqPerS / rounds[0][i].reqPerS);
    signedVsAlertsCpu = rounds[1].map((r, i) => (r.cpuUsPerReq ?? NaN) / (rounds[0][i].cpuUsPerReq ?? NaN));
    verifyMapUs = await verifyAndMapMicros(sourcesFile, signingKey);
    rows.push(await fixedRate("tarka /alerts, 1 alert, fixed 300 req/s (open loop)", alertsUrl, 300));
    // autocannon stops with requests in flight; let the server answer them before it is stopped.
    await new Promise((r) => setTimeout(r, 3_000));
  } finally {
    await stop(tarka);
  }

  const measured = rows.filter((r) => !r.name.startsWith("warm-up"));
  const emptyRate = measured.find((r) => r.name.startsWith("baseline: empty"))!.reqPerS;
  const bareRate = measured.find((r) => r.name.startsWith("baseline: bare"))!.reqPerS;
  const distinctRate = measured.find((r) => r.name.startsWith("tarka /alerts, 1 alert per request, every alert distinct"))!.reqPerS;
  const signedRate = measured.find((r) => r.name.startsWith("tarka signed source"))!.reqPerS;
  console.log(`\nbench/ingest — ${DURATION_S}s per scenario, ${CONNECTIONS} connections (fixed rate: open loop), ${os.cpus().length} cores, node ${process.version}\n`);
  console.log("| scenario | req/s | accepted alerts/s | p50 ms | p99 ms | non-2xx/errors | vs empty Next | vs bare node | server CPU µs/request |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of measured) {
    console.log(
      `| ${r.name} | ${r.reqPerS.toFixed(0)} | ${r.alertsPerS.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${(r.reqPerS / emptyRate).toFixed(2)} | ${(r.reqPerS / bareRate).toFixed(3)} | ${r.cpuUsPerReq === undefined ? "" : r.cpuUsPerReq.toFixed(0)} |`,
    );
  }
  console.log(
    `\nsigned source vs /alerts (both every alert distinct, mean of ${COMPARE_ROUNDS} alternating rounds each): ${(signedRate / distinctRate).toFixed(2)} of the rate, cost ${((1 - signedRate / distinctRate) * 100).toFixed(1)} % (target < 10 %); per round ${signedVsAlerts.map((r) => r.toFixed(2)).join(", ")}`,
  );
  const cpuRatio = signedVsAlertsCpu.reduce((n, r) => n + r, 0) / signedVsAlertsCpu.length;
  console.log(
    `signed source vs /alerts, Tarka server CPU per request (user + system, the web process): ${cpuRatio.toFixed(2)} × (${((cpuRatio - 1) * 100).toFixed(1)} % more); per round ${signedVsAlertsCpu.map((r) => r.toFixed(2)).join(", ")}`,
  );
  const alertsCpuUs = measured.find((r) => r.name.startsWith("tarka /alerts, 1 alert per request, every alert distinct"))!.cpuUsPerReq ?? NaN;
  console.log(
    `signature verification + JSON parse + mapping (with the alert schema check), measured alone in the bench process: ${verifyMapUs.toFixed(1)} µs CPU per request = ${((verifyMapUs / alertsCpuUs) * 100).toFixed(1)} % of a /alerts request's server CPU (${alertsCpuUs.toFixed(0)} µs) (target < 10 %)`,
  );
  const runtime = await createRuntime({
    env: loadEnv({ ...queueEnv, DATABASE_URL: db.url, DATA_DIR: dataDir, LOG_LEVEL: "error", WORKER_CONCURRENCY: "8", KUBERNETES_ENABLED: "false" }),
    name: "bench-worker",
  });
  const consumer = await startWorker(runtime);
  const fingerprints = [...acceptedCopies.keys()];
  const drain = await drainQueue(runtime.database.db, fingerprints);
  const drainS = drain.seconds;
  // Counted after the worker stopped: it acks a message only once its receipt is settled, so from here on
  // every receipt still queued must have its message in the stream.
  await consumer.stop(10_000);
  const inQueue = await messagesInStream(names.stream);
  const byDisposition = await runtime.database.db
    .select({ disposition: receivedAlerts.disposition, n: sql<number>`count(*)::int` })
    .from(receivedAlerts)
    .groupBy(receivedAlerts.disposition);
  const check = await checkReceipts({
    db: runtime.database.db,
    fingerprints,
    storedKeys: new Set(await runtime.store.list("")),
    allowDeadLetters: true,
    acceptedCopies,
  });
  await runtime.close();
  await deleteStreams(names.prefix);
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });

  const accepted = [...acceptedCopies.values()].reduce((n, k) => n + k, 0);
  const recorded = byDisposition.reduce((n, d) => n + d.n, 0);
  console.log(`\nzero-loss check: ${recorded} alerts in the ledger; dispositions ${byDisposition.map((d) => `${d.disposition}=${d.n}`).join(", ")}`);
  console.log(
    `worker drain (concurrency 8) ${drain.outcome} after ${drainS.toFixed(1)} s (limit ${(drain.limitMs / 1000).toFixed(0)} s for ${fingerprints.length} alerts; ${drain.settledAlerts} settled, ${(drain.settledAlerts / drainS).toFixed(0)} alerts/s)`,
  );
  console.log(`alerts answered 2xx: ${accepted} (${fingerprints.length} distinct); recorded in the ledger: ${recorded}`);
  console.log(`receipt by receipt: ${check.reported} distinct alerts reported, ${check.skipped} recorded skips, ${check.deadLettered.length} dead-lettered, ${check.stillQueued.length} still queued`);
  // A receipt still queued is owed a message in the stream (work-queue retention keeps it until acked); one more queued
  // receipt than messages is an alert the queue no longer holds.
  const queuedReceipts = byDisposition.find((d) => d.disposition === "queued")?.n ?? 0;
  const lostFromQueue = Math.max(0, queuedReceipts - inQueue);
  const problems = [...check.problems, ...(lostFromQueue > 0 ? [`${queuedReceipts} receipts still queued but only ${inQueue} messages in the stream`] : [])];
  if (check.stillQueued.length > 0 && lostFromQueue === 0) {
    console.log(
      `NOT SETTLED (${check.stillQueued.length} alerts, ${queuedReceipts} receipts still queued, ${inQueue} messages in the stream): the drain stopped before the worker reached them; not lost, not checked further`,
    );
  }
  console.log(problems.length > 0 ? `LOSS (${problems.length}):\n${problems.slice(0, 30).join("\n")}` : "no alert answered 2xx was lost");
  process.exit(problems.length > 0 ? 1 : check.stillQueued.length > 0 ? 2 : 0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
