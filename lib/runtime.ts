import { sql } from "drizzle-orm";
import { databaseUrl, type Env } from "@/lib/env";
import { openDatabase, type DbHandle } from "@/lib/db/client";
import { createLogger, type Logger } from "@/lib/log";
import { createMetrics, type Metrics } from "@/lib/metrics";
import { createQueue } from "@/lib/queue/create-queue";
import type { JobQueue } from "@/lib/queue/types";
import { createStore } from "@/lib/storage/create-store";
import type { ReportStore } from "@/lib/storage/types";
import { createProviders } from "@/lib/investigate/providers/create-providers";
import type { Providers } from "@/lib/investigate/providers/types";
import { createSnoozeCache, type SnoozeCache } from "@/lib/cases/find-snoozed-cases";
import { createReceiptLedger, type ReceiptLedger } from "@/lib/alerts/receipt-ledger";
import { createDeliveryClaims, type DeliveryClaims } from "@/lib/sources/delivery-claims";
import { startTracing, type Tracing } from "@/lib/tracing/start-tracing";
import { createChatModel, type ChatModel } from "@/lib/llm/model";
import type { OutboundChannels } from "@/lib/notifications/case-event";
import type { SlackApi } from "@/lib/slack/slack-api";

/** Everything a process wires together once at start and hands to the lib/ verbs as context. */
export type Runtime = {
  env: Env;
  log: Logger;
  metrics: Metrics;
  database: DbHandle;
  store: ReportStore;
  queue: JobQueue;
  providers: Providers;
  snoozeCache: SnoozeCache;
  receiptLedger: ReceiptLedger;
  deliveryClaims: DeliveryClaims;
  tracing: Tracing;
  /** The configured model, or null: chat then answers deterministically. */
  chatModel: ChatModel | null;
  /** Channels case events are queued for (webhook endpoints are read from the database). */
  outbound: OutboundChannels;
  /** The Slack Web API with SLACK_BOT_TOKEN, or null when Slack is not configured. */
  slack: SlackApi | null;
  close(): Promise<void>;
};

export async function createRuntime({ env, name }: { env: Env; name: string }): Promise<Runtime> {
  const tracing = await startTracing({ env });
  const log = createLogger({ level: env.LOG_LEVEL, name });
  const metrics = createMetrics();
  const database = await openDatabase({
    url: databaseUrl(env),
    dataDir: env.DATA_DIR,
    poolSize: env.DATABASE_POOL_SIZE,
  });
  const queue = await createQueue({ env, log });
  const store = createStore({ env, log });
  const providers = createProviders({ env, log, inCluster: Boolean(env.KUBERNETES_SERVICE_HOST) });
  const chatModel = await createChatModel(env);
  // Loaded only when configured, as the model's packages and the tracing SDK are: the worker's memory.
  const slack = env.SLACK_BOT_TOKEN
    ? (await import("@/lib/slack/slack-api")).createSlackApi({ token: env.SLACK_BOT_TOKEN, baseUrl: env.SLACK_API_URL, timeoutMs: env.NOTIFICATIONS_TIMEOUT_MS })
    : null;
  log.info(
    {
      database: database.kind,
      queue: queue.kind,
      store: store.kind,
      providers: Object.keys(providers).filter((k) => k !== "timeoutMs"),
      tracing: tracing.isEnabled ? env.OTEL_EXPORTER_OTLP_ENDPOINT : "off",
      llm: chatModel ? `${chatModel.provider} ${chatModel.modelId}` : "off",
      slack: slack ? (env.SLACK_API_URL ?? "on") : "off",
    },
    "runtime ready",
  );
  return {
    env,
    log,
    metrics,
    database,
    store,
    queue,
    providers,
    snoozeCache: createSnoozeCache(),
    receiptLedger: createReceiptLedger(database.db),
    deliveryClaims: createDeliveryClaims(database.db),
    tracing,
    chatModel,
    outbound: { slack: slack !== null },
    slack,
    async close() {
      await queue.close();
      await database.close();
      await tracing.shutdown();
    },
  };
}

export type Readiness = { ready: boolean; checks: Record<string, "ok" | string> };

/** /readyz: can this process do its job right now? */
export async function checkReadiness(runtime: Runtime): Promise<Readiness> {
  const checks: Record<string, string> = {};
  const probe = async (name: string, fn: () => Promise<boolean>) => {
    try {
      checks[name] = (await fn()) ? "ok" : "not ready";
    } catch (e) {
      // The answer is public (no session): the reason goes to the log, not to whoever asks.
      checks[name] = "unavailable";
      runtime.log.warn({ check: name, err: e instanceof Error ? e.message : String(e) }, "readiness check failed");
    }
  };
  await Promise.all([
    probe("database", async () => {
      await runtime.database.db.execute(sql`select 1`);
      return true;
    }),
    probe("queue", () => runtime.queue.isReady()),
    probe("storage", () => runtime.store.isReady()),
  ]);
  return { ready: Object.values(checks).every((v) => v === "ok"), checks };
}

/** Prometheus exposition for /metrics, with the queue gauges refreshed first. */
export async function renderMetrics(runtime: Runtime): Promise<string> {
  try {
    const stats = await runtime.queue.stats();
    runtime.metrics.queueBacklog.set(stats.pending);
    runtime.metrics.deadLetterDepth.set(stats.deadLetters);
  } catch {
    // The gauges keep their last value when the queue cannot answer; a scrape must not fail for that.
  }
  return runtime.metrics.registry.metrics();
}
