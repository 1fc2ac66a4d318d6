// npm run bench:chat — POST /api/v1/chat on the production build (PostgreSQL, embedded worker): time to
// first token and whole-turn time, deterministic and against the fake model (a process of its own) with
// scripted latency, at 1 and 20 concurrent users (each with an API token of their own), beside a
// baseline: the same kind of route handler streaming fixed text as a UI message stream
// (bench/chat/fixed-stream-app: no session, database or tools), at once and with the fake model's
// script. Tarka's overhead = turn time − the scripted model time; the tool-call overhead compares turns
// with and without the tool call. Also GET /api/v1/chat/threads (auth + one query) and PostgreSQL rows
// written per turn. Needs `npx next build`; builds the baseline app on first use. Prints figures only.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { freePort } from "@/test/helpers/free-port";
import type { Actor } from "@/lib/auth/actor";
import { createApiToken } from "@/lib/auth/create-api-token";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { postExampleAlert } from "@/test/helpers/example-case";
import { startWebServer } from "@/test/helpers/web-server";
import { processCpuMicros } from "../shared/process-cpu";

const TURNS = Number(process.env.BENCH_TURNS ?? 100);
/** Turns sent at the row's concurrency before it is measured, so the server runs warm (JIT, pools). */
const WARMUP = Number(process.env.BENCH_WARMUP_TURNS ?? 100);
const USERS = (process.env.BENCH_USERS ?? "1,20").split(",").map(Number);
/** Which rows to run: any of baseline, deterministic, model (comma-separated). */
const ROWS = new Set((process.env.BENCH_CHAT_ROWS ?? "baseline,deterministic,model").split(",").map((s) => s.trim()));
/** The fake model's scripted time per turn: two calls (tool call, then answer) of DELAY ms + 8 chunks of CHUNK ms. */
const DELAY_MS = 100;
const CHUNK_MS = 10;
const SCRIPTED_MS = 2 * DELAY_MS + 8 * CHUNK_MS;
/** A question the fake model answers at once (one call: DELAY ms + 8 chunks), for the tool call's own overhead. */
const NO_TOOL_QUESTION = "in one line, without tools: why does it crash?";
const SCRIPTED_NO_TOOL_MS = DELAY_MS + 8 * CHUNK_MS;
const ROOT = path.resolve(import.meta.dirname, "../..");
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
const BASELINE_APP = path.join(ROOT, "bench/chat/fixed-stream-app");

type Sample = { ttftMs: number; totalMs: number };

/** CPU per turn while `run` goes: the server's, the clients' (this process) and the fake model's, which share the cores. */
async function withCpu<T extends Sample[]>(pid: number, run: () => Promise<T>, modelPid?: number): Promise<{ samples: T; cpu: string }> {
  const before = processCpuMicros(pid);
  const modelBefore = modelPid ? processCpuMicros(modelPid) : 0;
  const own = process.cpuUsage();
  const samples = await run();
  const perTurn = (micros: number) => (micros / 1000 / samples.length).toFixed(1);
  const { user, system } = process.cpuUsage(own);
  const model = modelPid ? `, fake model ${perTurn(processCpuMicros(modelPid) - modelBefore)}` : "";
  return { samples, cpu: `CPU ms/turn: server ${perTurn(processCpuMicros(pid) - before)}, clients ${perTurn(user + system)}${model}` };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** `total` calls of `fn` by `concurrency` clients, each sending one after the other; `fn` is told which client it is. */
async function pool(total: number, concurrency: number, fn: (client: number) => Promise<Sample>): Promise<Sample[]> {
  const out: Sample[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      while (next < total) {
        next += 1;
        out.push(await fn(client));
      }
    }),
  );
  return out;
}

/** One turn, read to the end of its stream; `mode` is what the answer's metadata must say (a case out of model budget answers deterministically, cheaper). */
async function turn(url: string, headers: Record<string, string>, body: Record<string, unknown>, mode?: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`chat answered ${res.status}: ${await res.text()}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let ttftMs = NaN;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (Number.isNaN(ttftMs) && text.includes('"type":"text-delta"')) ttftMs = performance.now() - t0;
  }
  if (!text.includes("data: [DONE]")) throw new Error("stream ended without [DONE]");
  if (mode && !text.includes(`"mode":"${mode}"`)) throw new Error(`the answer was not in ${mode} mode: ${text.slice(0, 300)}`);
  return { ttftMs, totalMs: performance.now() - t0 };
}

async function get(url: string, headers: Record<string, string>): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  return { ttftMs: ms, totalMs: ms };
}

async function rowsWritten(dbUrl: string): Promise<number> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await new Promise((r) => setTimeout(r, 1_200)); // table statistics are flushed about once a second
    const [row] = await sql`select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::int as n from pg_stat_user_tables where relname like 'chat_%'`;
    return row.n as number;
  } finally {
    await sql.end();
  }
}

/** Tarka's own time in a turn against the fake model: the turn minus what the model was scripted to take. */
function overheads(samples: Sample[], scriptedMs: number): number[] {
  return samples.map((s) => s.totalMs - scriptedMs);
}

function overhead(samples: Sample[], scriptedMs = SCRIPTED_MS): string {
  const over = overheads(samples, scriptedMs);
  return `overhead p50 ${pct(over, 50).toFixed(0)}, p95 ${pct(over, 95).toFixed(0)} ms (scripted ${scriptedMs} ms)`;
}

/** The tool step's share of a turn: its recorded run time, and what a turn with the call costs over one without it. */
async function toolCallOverhead(dbUrl: string, since: Date, withTool: Sample[], without: Sample[]): Promise<string> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select percentile_cont(0.5) within group (order by duration_ms) as p50, percentile_cont(0.95) within group (order by duration_ms) as p95
      from chat_tool_calls where created_at >= ${since}`;
    const extra = (p: number) => (pct(overheads(withTool, SCRIPTED_MS), p) - pct(overheads(without, SCRIPTED_NO_TOOL_MS), p)).toFixed(0);
    return `the tool's run p50 ${Number(row.p50).toFixed(0)} / p95 ${Number(row.p95).toFixed(0)} ms; a turn with the call (2 model calls) over one without (1 call), overhead p50 +${extra(50)} / p95 +${extra(95)} ms`;
  } finally {
    await sql.end();
  }
}

const rows: string[] = [];
function report(label: string, users: number, samples: Sample[], extra = "") {
  const ttft = samples.map((s) => s.ttftMs);
  const total = samples.map((s) => s.totalMs);
  rows.push(
    `| ${label} | ${users} | ${samples.length} | ${pct(ttft, 50).toFixed(0)} | ${pct(ttft, 95).toFixed(0)} | ${pct(total, 50).toFixed(0)} | ${pct(total, 95).toFixed(0)} | ${extra} |`,
  );
  console.log(rows.at(-1));
}

async function scenario(mode: "deterministic" | "model", llm: FakeModel | null) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-bench-chat-"));
  const db = await createTestDatabase();
  // The case's model budget is raised so that every measured turn is a model turn (checked per turn).
  const env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: "warn", CHAT_RATE_LIMIT_PER_MINUTE: "1000000", CHAT_CASE_TOKEN_BUDGET: "1000000000" };
  // For profiling: BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  if (process.env.BENCH_SERVER_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_SERVER_NODE_OPTIONS;
  if (llm) Object.assign(env, { LLM_ENABLED: "true", LLM_PROVIDER: "openai-compatible", LLM_BASE_URL: `${llm.url}/v1`, LLM_MODEL: "fake-bench", LLM_ENRICHMENT_TIMEOUT_MS: "1" });
  const server = await startWebServer(env);
  try {
    const { caseId } = await postExampleAlert(server.url, 60_000);
    const logins = await benchUsers(db);
    const message = mode === "model" ? "why does it crash?" : "summary";
    const send = (client: number) => turn(server.url, logins[client], { message, caseId }, mode);
    for (let i = 0; i < 10; i++) await send(0);
    for (const users of USERS) {
      await pool(WARMUP, users, send);
      const before = await rowsWritten(db.url);
      const started = new Date();
      const { samples, cpu } = await withCpu(server.pid, () => pool(TURNS, users, send), llm?.pid);
      const perTurn = ((await rowsWritten(db.url)) - before) / samples.length;
      report(`chat, ${mode}`, users, samples, `${mode === "model" ? `${overhead(samples)}; ` : ""}${cpu}; ${perTurn.toFixed(1)} chat rows written per turn`);
      if (mode === "model") {
        const direct = (client: number) => turn(server.url, logins[client], { message: NO_TOOL_QUESTION, caseId }, mode);
        const noTool = await withCpu(server.pid, () => pool(TURNS, users, direct), llm?.pid);
        report("chat, model, answered without a tool call", users, noTool.samples, `${overhead(noTool.samples, SCRIPTED_NO_TOOL_MS)}; ${noTool.cpu}`);
        rows.push(`| tool-call overhead | ${users} | ${samples.length} | | | | | ${await toolCallOverhead(db.url, started, samples, noTool.samples)} |`);
        console.log(rows.at(-1));
      }
      report("GET /api/v1/chat/threads (auth + one query)", users, await pool(TURNS, users, (client) => get(`${server.url}/api/v1/chat/threads?caseId=${caseId}`, logins[client])));
    }
  } finally {
    await server.stop();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * One responder API token per concurrent client, so 20 users are 20 people: each has their own
 * per-minute question count, and each request pays for its credential's lookup as a signed-in one does.
 */
async function benchUsers(db: TestDatabase): Promise<Record<string, string>[]> {
  const actor: Actor = { id: null, username: "bench", name: "bench/chat", role: "admin", sessionId: null };
  const logins: Record<string, string>[] = [];
  for (let i = 0; i < Math.max(...USERS); i++) {
    const { secret } = await createApiToken({ ctx: { db: db.db, actor, now: new Date() }, input: { name: `bench-user-${i}`, role: "responder" } });
    logins.push({ authorization: `Bearer ${secret}` });
  }
  return logins;
}

type FakeModel = { url: string; pid: number; stop(): Promise<void> };

/** bench/chat/fake-model-process.ts, started with this process's Node and tsx. */
async function startFakeModel(): Promise<FakeModel> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/chat/fake-model-process.ts"), String(DELAY_MS), String(CHUNK_MS), NO_TOOL_QUESTION], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString("utf8");
      if (out.includes("\n")) resolve(out.trim());
    });
    child.once("exit", (code) => reject(new Error(`the fake model exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid ?? 0,
    stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once("exit", () => resolve()), child.kill("SIGTERM")))),
  };
}

/** The baseline app, built with webpack from its own folder as bench/ingest's (Turbopack would take this repo as its root). */
async function startBaseline(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  if (!fs.existsSync(path.join(BASELINE_APP, ".next/BUILD_ID"))) {
    const r = spawnSync(process.execPath, [NEXT_BIN, "build", "--webpack"], { cwd: BASELINE_APP, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, stdio: "inherit" });
    if (r.status !== 0) throw new Error("next build bench/chat/fixed-stream-app failed");
  }
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: BASELINE_APP,
    env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await fetch(url).then(() => true, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error("the baseline app did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid ?? 0,
    stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once("exit", () => resolve()), child.kill("SIGTERM")))),
  };
}

async function baseline() {
  const app = await startBaseline();
  try {
    const scripted = { message: "x", scripted: true, delayMs: DELAY_MS, chunkDelayMs: CHUNK_MS };
    for (let i = 0; i < 10; i++) await turn(app.url, {}, { message: "x" });
    for (const users of USERS) {
      await pool(WARMUP, users, () => turn(app.url, {}, scripted));
      const fixed = await withCpu(app.pid, () => pool(TURNS, users, () => turn(app.url, {}, { message: "x" })));
      report("baseline: fixed UI message stream", users, fixed.samples, fixed.cpu);
      const { samples, cpu } = await withCpu(app.pid, () => pool(TURNS, users, () => turn(app.url, {}, scripted)));
      report("baseline: fixed stream, the fake model's timing", users, samples, `${overhead(samples)}; ${cpu}`);
    }
  } finally {
    await app.stop();
  }
}

console.log(`| what | users | turns | first token p50 ms | p95 | turn p50 ms | p95 | notes |\n| --- | --- | --- | --- | --- | --- | --- | --- |`);
if (ROWS.has("baseline")) await baseline();
if (ROWS.has("deterministic")) await scenario("deterministic", null);
if (ROWS.has("model")) {
  const llm = await startFakeModel();
  try {
    await scenario("model", llm);
  } finally {
    await llm.stop();
  }
}
