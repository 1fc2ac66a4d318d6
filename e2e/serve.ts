// The production build for Playwright: a fresh PostgreSQL database, VictoriaMetrics with an hour of
// samples for the example pod, a fake Loki with its logs, local users per role, a local OIDC issuer standing in for Google,
// a fake OpenAI-protocol model for chat, a fake Slack Web API, then `next start` in AUTH_MODE=both.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { createUser } from "@/lib/auth/create-user";
import { openDatabase } from "@/lib/db/client";
import { startFakeLlm } from "@/test/helpers/fake-llm";
import { startFakeLoki, toNs, type LokiStream } from "@/test/helpers/fake-loki";
import { startFakeSlack } from "@/test/helpers/fake-slack";
import { freePort } from "@/test/helpers/free-port";
import { startVictoriaMetrics } from "@/test/helpers/victoria-metrics";
import { startOidcIssuer } from "./oidc-issuer";
import { E2E, e2ePort, fakeLlmPort, fakeSlackPort } from "./fixtures";

const port = e2ePort();
const admin = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const dbName = `tarka_e2e_${port}`;
const dbUrl = Object.assign(new URL(admin), { pathname: `/${dbName}` }).toString();

async function recreateDatabase(): Promise<void> {
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists ${dbName} with (force)`);
  await sql.unsafe(`create database ${dbName}`);
  await sql.end();
}

function samples(): string[] {
  const { namespace, pod, container } = E2E.target;
  const sel = `namespace="${namespace}",pod="${pod}",container="${container}"`;
  const lines: string[] = [];
  const now = Date.now();
  for (let i = 90; i >= 0; i--) {
    const t = now - i * 60_000;
    lines.push(`container_memory_working_set_bytes{${sel}} ${Math.round(200e6 + (90 - i) * 3.2e6 + (i % 7) * 4e6)} ${t}`);
    lines.push(`kube_pod_container_status_restarts_total{${sel}} ${Math.floor((90 - i) / 9)} ${t}`);
    lines.push(`kube_pod_container_resource_limits{${sel},resource="memory"} ${512 * 1024 * 1024} ${t}`);
  }
  return lines;
}

/** The example pod's last minutes of logs: routine lines around a refused database connection. */
function podLogs(): LokiStream {
  const { namespace, pod, container } = E2E.target;
  const lines = [
    "level=info msg=\"starting checkout-api\" version=2.14.1",
    "level=info msg=\"loaded config\" region=eu-west-1",
    "level=error msg=\"db connect failed\" err=\"dial tcp 10.42.3.7:5432: connect: connection refused\" host=ledger-db.payments.svc",
    "level=info msg=\"retrying in 2s\"",
    "level=error msg=\"db connect failed\" err=\"dial tcp 10.42.3.7:5432: connect: connection refused\" host=ledger-db.payments.svc",
    "level=info msg=\"shutting down\"",
  ];
  const now = Date.now();
  return {
    stream: { namespace, pod, container },
    values: lines.map((line, i) => [toNs(new Date(now - (8 - i) * 60_000)), line]),
  };
}

await recreateDatabase();
const loki = await startFakeLoki({ streams: [podLogs()] });
const llm = await startFakeLlm([{ text: "ok" }], { port: fakeLlmPort() });
const slack = await startFakeSlack({ port: fakeSlackPort() });
const vm = await startVictoriaMetrics();
await vm.importPrometheus(samples());
await vm.flush();
const db = await openDatabase({ url: dbUrl, dataDir: "", poolSize: 1 });
for (const u of [E2E.users.viewer, E2E.users.responder]) {
  await createUser({ ctx: { db: db.db }, input: { username: u.username, password: u.password, role: u.role } });
}
await db.close();
const issuer = await startOidcIssuer({
  port: await freePort(),
  clientId: E2E.oidc.clientId,
  clientSecret: E2E.oidc.clientSecret,
  redirectUri: `http://127.0.0.1:${port}/api/auth/callback/google`,
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-e2e-"));
const sourcesFile = path.join(dataDir, "sources.yaml");
fs.writeFileSync(
  sourcesFile,
  [
    "sources:",
    "  - id: pagerduty",
    "    preset: pagerduty",
    "  - id: uptime",
    "    preset: generic",
    `    secret: whsec_${Buffer.from("e2e-uptime-secret-0123456789").toString("base64")}`,
    "    mapping: { alertname: \"name\", fingerprint: \"check_id\" }",
    "",
  ].join("\n"),
);
const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
  stdio: "inherit",
  env: {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    DATABASE_URL: dbUrl,
    PROMETHEUS_URL: vm.selectUrl,
    LOGS_URL: loki.url,
    LOGS_BACKEND: "loki",
    AUTH_MODE: "both",
    AUTH_ALLOWED_DOMAINS: E2E.oidc.allowedDomain,
    AUTH_OIDC_ISSUER_URL: issuer.url,
    GOOGLE_OAUTH_CLIENT_ID: E2E.oidc.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: E2E.oidc.clientSecret,
    AUTH_SESSION_SECRET: "e2e-session-secret-0123456789abcdef",
    AUTH_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ADMIN_INITIAL_USERNAME: E2E.users.admin.username,
    ADMIN_INITIAL_PASSWORD: E2E.users.admin.password,
    LLM_ENABLED: "true",
    LLM_PROVIDER: "openai-compatible",
    LLM_BASE_URL: `${llm.url}/v1`,
    LLM_MODEL: "fake-e2e",
    HTTP_SOURCES_FILE: sourcesFile,
    PAGERDUTY_WEBHOOK_SECRET: "e2e-pagerduty-secret-0123456789",
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: "C0ONCALL",
    SLACK_API_URL: slack.apiUrl,
    SLACK_SIGNING_SECRET: "e2e-slack-signing-secret",
    NOTIFICATIONS_POLL_MS: "250",
  },
});

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  child.kill("SIGTERM");
  await vm.stop().catch(() => {});
  await issuer.stop().catch(() => {});
  await loki.stop().catch(() => {});
  await llm.stop().catch(() => {});
  await slack.stop().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await sql.end();
  process.exit(code);
}
child.on("exit", (code) => void stop(code ?? 1));
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void stop(0));
