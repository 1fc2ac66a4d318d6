import { z } from "zod";
import { parseCidr } from "@/lib/http/client-address";
import { redactText } from "@/lib/redact";

const boolish = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "expected true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const csv = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

const url = z.url({ message: "expected an absolute URL such as http://host:port" });
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

const durationRe = /^(\d+)(s|m|h|d)$/;
export const durationSchema = z
  .string()
  .regex(durationRe, { message: "expected a duration such as 30m, 1h or 2d" });

export function parseDurationMs(value: string): number {
  const m = durationRe.exec(value);
  if (!m) throw new Error(`invalid duration ${value}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}

export const llmProviders = ["vertex", "anthropic", "openai", "openai-compatible"] as const;

/** Every environment variable Tarka reads. Documented in README.md and docs/configuration.md. */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATA_DIR: z.string().min(1).default("./.data"),

  // Providers
  PROMETHEUS_URL: url.optional(),
  ALERTMANAGER_URL: url.optional(),
  LOGS_URL: url.optional(),
  LOGS_BACKEND: z.enum(["victorialogs", "loki"]).optional(),
  CLUSTER_NAME: z.string().min(1).optional(),
  KUBECONFIG: z.string().min(1).optional(),
  KUBERNETES_ENABLED: boolish.optional(),
  /** Set by Kubernetes inside every pod; its presence selects the in-cluster service account. */
  KUBERNETES_SERVICE_HOST: z.string().min(1).optional(),
  TIME_WINDOW: durationSchema.default("1h"),
  ALERTNAME_ALLOWLIST: csv.default([]),
  /** Extra scraper names (beyond kube-state-metrics, node-exporter, kubelet, blackbox, *-exporter), lib/alerts/scrapers.ts. */
  SCRAPER_JOBS: csv.default([]),
  PROVIDER_TIMEOUT_MS: positiveInt.default(8_000),

  // Storage
  S3_BUCKET: z.string().min(1).optional(),
  S3_PREFIX: z.string().default(""),
  S3_ENDPOINT_URL: url.optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: boolish.default(false),

  // Queue
  NATS_URL: z.string().min(1).optional(),
  JETSTREAM_STREAM: z.string().min(1).default("TARKA"),
  JETSTREAM_SUBJECT: z.string().min(1).default("tarka.alerts"),
  JETSTREAM_DURABLE: z.string().min(1).default("WORKERS"),
  JETSTREAM_DLQ_STREAM: z.string().min(1).default("TARKA_DLQ"),
  JETSTREAM_DLQ_SUBJECT: z.string().min(1).default("tarka.dlq"),
  JETSTREAM_ACK_WAIT_SECONDS: positiveInt.default(1800),
  JETSTREAM_MAX_DELIVER: positiveInt.default(5),
  JETSTREAM_BACKOFF_SECONDS: z
    .string()
    .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, { message: "expected comma-separated seconds such as 10,60,300" })
    .transform((v) => v.split(",").map((s) => Number(s.trim())))
    .default([10, 60, 300]),
  JETSTREAM_DUPLICATE_WINDOW_SECONDS: positiveInt.default(600),
  JETSTREAM_MAX_AGE_HOURS: positiveInt.default(72),
  JETSTREAM_MAX_BYTES: positiveInt.default(1024 * 1024 * 1024),
  JETSTREAM_REPLICAS: z.coerce
    .number()
    .int()
    .min(1)
    .max(5)
    .refine((n) => n % 2 === 1, { message: "expected 1, 3 or 5 (an odd number of replicas keeps a quorum)" })
    .default(1),
  JETSTREAM_PUBLISH_TIMEOUT_MS: positiveInt.default(5_000),
  WORKER_CONCURRENCY: positiveInt.default(2),
  WORKER_FETCH_BATCH: positiveInt.default(10),
  WORKER_PORT: port.default(9464),
  WORKER_DRAIN_SECONDS: positiveInt.default(60),
  CLAIM_LEASE_SECONDS: positiveInt.default(300),

  // Database
  DATABASE_URL: z.string().min(1).optional(),
  POSTGRES_HOST: z.string().min(1).optional(),
  POSTGRES_PORT: port.default(5432),
  POSTGRES_DB: z.string().min(1).default("tarka"),
  POSTGRES_USER: z.string().min(1).default("tarka"),
  POSTGRES_PASSWORD: z.string().optional(),
  DATABASE_POOL_SIZE: positiveInt.default(10),

  // Console auth
  AUTH_MODE: z.enum(["oidc", "basic", "both", "disabled"]).default("disabled"),
  AUTH_PUBLIC_BASE_URL: url.optional(),
  AUTH_ALLOWED_DOMAINS: csv.default([]),
  AUTH_SESSION_SECRET: z.string().min(32, { message: "expected at least 32 characters" }).optional(),
  GOOGLE_OAUTH_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  /** OIDC issuer override (tests, or a Google-compatible issuer); unset → Google's discovery document. */
  AUTH_OIDC_ISSUER_URL: url.optional(),
  /** First admin, created at start when missing (basic/both); never resets an existing password. */
  ADMIN_INITIAL_USERNAME: z.string().min(2).optional(),
  ADMIN_INITIAL_PASSWORD: z.string().min(12, { message: "expected at least 12 characters" }).optional(),
  /** Proxies (CIDR ranges or addresses) whose X-Forwarded-For names the client; unset → the socket peer is the client. */
  TRUSTED_PROXIES: csv
    .superRefine((list, ctx) => {
      for (const entry of list) {
        try {
          parseCidr(entry);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: `${(e as Error).message}; expected a list such as 10.0.0.0/8,fd00::/8` });
        }
      }
    })
    .default([]),

  // LLM
  LLM_ENABLED: boolish.default(false),
  LLM_PROVIDER: z
    .enum(llmProviders, { message: `expected one of ${llmProviders.join(", ")}` })
    .default("vertex"),
  /** Unset → the provider's default model (lib/llm/model.ts); required for openai-compatible. */
  LLM_MODEL: z.string().min(1).optional(),
  /** openai-compatible (vLLM, Ollama, LiteLLM) endpoint, or an override for openai/anthropic. */
  LLM_BASE_URL: url.optional(),
  /** API key for anthropic, openai and openai-compatible. */
  LLM_API_KEY: z.string().min(1).optional(),
  GOOGLE_VERTEX_PROJECT: z.string().min(1).optional(),
  GOOGLE_VERTEX_LOCATION: z.string().min(1).default("us-central1"),
  /** Service-account key file for vertex; read by Google's auth library (unset → workload identity). */
  GOOGLE_APPLICATION_CREDENTIALS: z.string().min(1).optional(),
  LLM_TIMEOUT_MS: positiveInt.default(60_000),
  /** The worker's budget for a report's `analysis.llm`; past it the report is written without the narrative. */
  LLM_ENRICHMENT_TIMEOUT_MS: positiveInt.default(20_000),
  /** USD per million tokens, overriding the built-in price of the model (unknown models cost 0). */
  LLM_INPUT_COST_PER_MTOK: z.coerce.number().nonnegative().optional(),
  LLM_OUTPUT_COST_PER_MTOK: z.coerce.number().nonnegative().optional(),
  CHAT_RATE_LIMIT_PER_MINUTE: positiveInt.default(12),
  CHAT_CASE_TOKEN_BUDGET: positiveInt.default(300_000),
  CHAT_MAX_TOOL_CALLS: positiveInt.default(8),

  // Tracing
  /** OTLP/HTTP collector base URL; spans go to `<url>/v1/traces`. Unset → tracing is off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, message: "expected an http(s) URL such as http://otel-collector:4318" })
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("tarka"),

  // Webhook
  WEBHOOK_BEARER_TOKEN: z.string().min(1).optional(),
  /** HTTP basic credentials for /alerts (Alertmanager's http_config.basic_auth), accepted beside the bearer token. */
  WEBHOOK_BASIC_USER: z.string().min(1).optional(),
  WEBHOOK_BASIC_PASSWORD: z.string().min(16, { message: "expected at least 16 characters" }).optional(),
  /** `none` opens /alerts to anyone on purpose; without it a production web process needs a token or basic credentials. */
  WEBHOOK_AUTH: z.enum(["bearer", "basic", "none"]).optional(),
  WEBHOOK_MAX_BYTES: positiveInt.default(1024 * 1024),
  /** Alerts accepted in one payload; more → 413 (Alertmanager's webhook_config max_alerts truncates instead). */
  WEBHOOK_MAX_ALERTS: positiveInt.default(1000),

  // Alert sources (POST /sources/{id}/ingest)
  HTTP_SOURCES_FILE: z.string().min(1).optional(),
  JIRA_PROJECT_FILTER: csv.default([]),
  PAGERDUTY_WEBHOOK_SECRET: z.string().min(16, { message: "expected at least 16 characters" }).optional(),
  JIRA_WEBHOOK_SECRET: z.string().min(16, { message: "expected at least 16 characters" }).optional(),

  // Outbound notifications (Slack, signed webhooks), delivered from the outbox by the worker
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  /** Default channel (id or name) for case messages; SLACK_ROUTES may send some cases elsewhere. */
  SLACK_CHANNEL: z.string().min(1).optional(),
  /** `namespace:<ns>=<channel>,team:<team>=<channel>`; the first rule matching a case wins. */
  SLACK_ROUTES: z.string().default("").transform((v, ctx) => parseSlackRoutes(v, ctx)),
  /** Web API base URL override (tests, egress proxies); unset → https://slack.com/api/. */
  SLACK_API_URL: url.optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  NOTIFICATIONS_MAX_ATTEMPTS: positiveInt.default(12),
  NOTIFICATIONS_POLL_MS: positiveInt.default(2_000),
  NOTIFICATIONS_TIMEOUT_MS: positiveInt.default(10_000),
});

export type SlackRoute = { key: "namespace" | "team"; value: string; channel: string };

function parseSlackRoutes(value: string, ctx: z.RefinementCtx): SlackRoute[] {
  const routes: SlackRoute[] = [];
  for (const entry of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^(namespace|team):([^=]+)=(.+)$/.exec(entry);
    if (!m) {
      ctx.addIssue({ code: "custom", message: `expected namespace:<name>=<channel> or team:<name>=<channel>, got "${entry}"` });
      return z.NEVER;
    }
    routes.push({ key: m[1] as SlackRoute["key"], value: m[2].trim(), channel: m[3].trim() });
  }
  return routes;
}

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/** Blank values count as unset, so `FOO=` in a ConfigMap behaves like no FOO at all. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value.trim() !== "") cleaned[key] = value.trim();
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? "?");
      return `  ${name}=${redactText(JSON.stringify(cleaned[name] ?? ""))}: ${i.message}`;
    });
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  if ((env.S3_ACCESS_KEY_ID === undefined) !== (env.S3_SECRET_ACCESS_KEY === undefined)) {
    throw new EnvError(
      "Invalid configuration:\n  S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together",
    );
  }
  if (env.WEBHOOK_AUTH === "bearer" && !env.WEBHOOK_BEARER_TOKEN) {
    throw new EnvError("Invalid configuration:\n  WEBHOOK_AUTH=bearer needs WEBHOOK_BEARER_TOKEN");
  }
  if ((env.WEBHOOK_BASIC_USER === undefined) !== (env.WEBHOOK_BASIC_PASSWORD === undefined)) {
    throw new EnvError("Invalid configuration:\n  WEBHOOK_BASIC_USER and WEBHOOK_BASIC_PASSWORD must be set together");
  }
  if (env.WEBHOOK_AUTH === "basic" && !env.WEBHOOK_BASIC_USER) {
    throw new EnvError("Invalid configuration:\n  WEBHOOK_AUTH=basic needs WEBHOOK_BASIC_USER and WEBHOOK_BASIC_PASSWORD");
  }
  if (env.WEBHOOK_AUTH === "none" && (env.WEBHOOK_BEARER_TOKEN || env.WEBHOOK_BASIC_USER)) {
    throw new EnvError(
      `Invalid configuration:\n  WEBHOOK_AUTH=none contradicts ${env.WEBHOOK_BEARER_TOKEN ? "WEBHOOK_BEARER_TOKEN" : "WEBHOOK_BASIC_USER"}: unset one of them`,
    );
  }
  if (Boolean(env.SLACK_BOT_TOKEN) !== Boolean(env.SLACK_CHANNEL)) {
    throw new EnvError("Invalid configuration:\n  SLACK_BOT_TOKEN and SLACK_CHANNEL must be set together");
  }
  const llmProblem = llmConfigurationProblem(env);
  if (llmProblem) throw new EnvError(`Invalid configuration:\n  ${llmProblem}`);
  return env;
}

function llmConfigurationProblem(env: Env): string | null {
  if (!env.LLM_ENABLED) return null;
  const p = env.LLM_PROVIDER;
  if (p === "openai-compatible" && !env.LLM_BASE_URL) return "LLM_PROVIDER=openai-compatible needs LLM_BASE_URL (e.g. http://vllm:8000/v1)";
  if (p === "openai-compatible" && !env.LLM_MODEL) return "LLM_PROVIDER=openai-compatible needs LLM_MODEL (the served model name)";
  if ((p === "anthropic" || p === "openai") && !env.LLM_API_KEY) return `LLM_PROVIDER=${p} needs LLM_API_KEY`;
  if (p === "vertex" && !env.GOOGLE_VERTEX_PROJECT) return "LLM_PROVIDER=vertex needs GOOGLE_VERTEX_PROJECT (and credentials: GOOGLE_APPLICATION_CREDENTIALS or workload identity)";
  return null;
}

let cached: Env | undefined;

/** The process configuration, validated once. */
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}

export function databaseUrl(e: Env): string | undefined {
  if (e.DATABASE_URL) return e.DATABASE_URL;
  if (!e.POSTGRES_HOST) return undefined;
  const auth = e.POSTGRES_PASSWORD
    ? `${encodeURIComponent(e.POSTGRES_USER)}:${encodeURIComponent(e.POSTGRES_PASSWORD)}`
    : encodeURIComponent(e.POSTGRES_USER);
  return `postgres://${auth}@${e.POSTGRES_HOST}:${e.POSTGRES_PORT}/${encodeURIComponent(e.POSTGRES_DB)}`;
}

/**
 * next-auth v4 reads its public URL only from NEXTAUTH_URL; mirror the documented
 * AUTH_PUBLIC_BASE_URL into it (an explicit NEXTAUTH_URL wins).
 */
export function exportNextAuthUrl(e: Env): void {
  if (e.AUTH_PUBLIC_BASE_URL) process.env.NEXTAUTH_URL ??= e.AUTH_PUBLIC_BASE_URL;
}
