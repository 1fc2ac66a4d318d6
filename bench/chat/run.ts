// npm run bench:chat — POST /api/v1/chat on the production build (PostgreSQL, embedded worker): time to
// first token and whole-turn time, deterministic and against the fake model with scripted latency, at 1
// and 20 concurrent users, beside GET /healthz and GET /api/v1/chat/threads as baselines of the same
// server's route handling; PostgreSQL rows written per turn. Needs `npx next build`. Prints figures only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { createTestDatabase } from "@/test/helpers/database";
import { postExampleAlert } from "@/test/helpers/example-case";
import { startFakeLlm, type FakeLlm } from "@/test/helpers/fake-llm";
import { startWebServer } from "@/test/helpers/web-server";

const TURNS = Number(process.env.BENCH_TURNS ?? 100);
const USERS = [1, 20];
/** The fake model's scripted time per turn: two calls (tool call, then answer) of DELAY ms + 8 chunks of CHUNK ms. */
const DELAY_MS = 100;
const CHUNK_MS = 10;
const SCRIPTED_MS = 2 * DELAY_MS + 8 * CHUNK_MS;

type Sample = { ttftMs: number; totalMs: number };

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function pool(total: number, concurrency: number, fn: () => Promise<Sample>): Promise<Sample[]> {
  const out: Sample[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        out.push(await fn());
      }
    }),
  );
  return out;
}

async function turn(url: string, csrf: string, caseId: string, message: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-tarka-csrf": csrf },
    body: JSON.stringify({ message, caseId }),
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
  return { ttftMs, totalMs: performance.now() - t0 };
}

async function get(url: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(url);
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

const rows: string[] = [];
function report(label: string, users: number, samples: Sample[], extra = "") {
  const ttft = samples.map((s) => s.ttftMs);
  const total = samples.map((s) => s.totalMs);
  rows.push(
    `| ${label} | ${users} | ${samples.length} | ${pct(ttft, 50).toFixed(0)} | ${pct(ttft, 95).toFixed(0)} | ${pct(total, 50).toFixed(0)} | ${pct(total, 95).toFixed(0)} | ${extra} |`,
  );
  console.log(rows.at(-1));
}

async function scenario(mode: "deterministic" | "model", llm: FakeLlm) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-bench-chat-"));
  const db = await createTestDatabase();
  const env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: "warn", CHAT_RATE_LIMIT_PER_MINUTE: "1000000" };
  if (mode === "model") Object.assign(env, { LLM_ENABLED: "true", LLM_PROVIDER: "openai-compatible", LLM_BASE_URL: `${llm.url}/v1`, LLM_MODEL: "fake-bench", LLM_ENRICHMENT_TIMEOUT_MS: "1" });
  const server = await startWebServer(env);
  try {
    const { caseId } = await postExampleAlert(server.url, 60_000);
    const csrf = ((await (await fetch(`${server.url}/api/v1/me`)).json()) as { csrfToken: string }).csrfToken;
    const message = mode === "model" ? "why does it crash?" : "summary";
    for (let i = 0; i < 10; i++) await turn(server.url, csrf, caseId, message);
    for (const users of USERS) {
      const before = await rowsWritten(db.url);
      const samples = await pool(TURNS, users, () => turn(server.url, csrf, caseId, message));
      const perTurn = ((await rowsWritten(db.url)) - before) / samples.length;
      const overhead = mode === "model" ? `overhead p95 ${(pct(samples.map((s) => s.totalMs), 95) - SCRIPTED_MS).toFixed(0)} ms (scripted ${SCRIPTED_MS} ms); ` : "";
      report(`chat, ${mode}`, users, samples, `${overhead}${perTurn.toFixed(1)} chat rows written per turn`);
      report("GET /api/v1/chat/threads (baseline)", users, await pool(TURNS, users, () => get(`${server.url}/api/v1/chat/threads?caseId=${caseId}`)));
      report("GET /healthz (baseline)", users, await pool(TURNS, users, () => get(`${server.url}/healthz`)));
    }
  } finally {
    await server.stop();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const llm = await startFakeLlm();
// Each turn: the model asks for a report section, then answers in 8 chunks.
llm.script((req) =>
  req.messages.some((m) => m.role === "tool")
    ? { text: "The container is killed for memory; raise the limit or find the leak.", chunks: 8, chunkDelayMs: CHUNK_MS, delayMs: DELAY_MS }
    : { toolCalls: [{ name: "get_report_section", args: { section: "verdict" } }], delayMs: DELAY_MS },
);
console.log(`| what | users | turns | first token p50 ms | p95 | turn p50 ms | p95 | notes |\n| --- | --- | --- | --- | --- | --- | --- | --- |`);
try {
  await scenario("deterministic", llm);
  await scenario("model", llm);
} finally {
  await llm.stop();
}
