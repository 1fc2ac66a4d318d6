import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Every Tarka metric (docs/operations.md, "Metrics"). One registry per process; web and worker expose the same names,
 * the ones a process does not use simply stay at zero. Dashboards and alert rules
 * (docs/grafana/tarka.json, k8s/prometheus-rules.yaml) depend on these names.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tarka_process_" });
  const r = [registry];
  return {
    registry,
    alertsReceived: new Counter({
      name: "tarka_alerts_received_total",
      help: "Alerts received on /alerts, by status (firing|resolved)",
      labelNames: ["status"],
      registers: r,
    }),
    alertsEnqueued: new Counter({ name: "tarka_alerts_enqueued_total", help: "Alerts durably queued", registers: r }),
    alertsSkipped: new Counter({
      name: "tarka_alerts_skipped_total",
      help: "Alerts not investigated, by reason (resolved|allowlist|snoozed|duplicate)",
      labelNames: ["reason"],
      registers: r,
    }),
    webhookRequests: new Counter({
      name: "tarka_webhook_requests_total",
      help: "Requests to /alerts by HTTP status code",
      labelNames: ["code"],
      registers: r,
    }),
    sourceRequests: new Counter({
      name: "tarka_source_requests_total",
      help: "Requests to /sources/{id}/ingest by source and HTTP status code",
      labelNames: ["source", "code"],
      registers: r,
    }),
    sourceSignatureFailures: new Counter({
      name: "tarka_source_signature_failures_total",
      help: "Requests to /sources/{id}/ingest refused because the sender could not be verified, by source and reason",
      labelNames: ["source", "reason"],
      registers: r,
    }),
    loginAttempts: new Counter({
      name: "tarka_login_attempts_total",
      help: "Local sign-in attempts by outcome (succeeded|failed|throttled)",
      labelNames: ["outcome"],
      registers: r,
    }),
    enqueueDuration: new Histogram({
      name: "tarka_enqueue_duration_seconds",
      help: "Time to record and durably queue one webhook payload",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: r,
    }),
    queueBacklog: new Gauge({
      name: "tarka_queue_backlog",
      help: "Jobs waiting in the queue (JetStream consumer pending + redeliveries)",
      registers: r,
    }),
    deadLetters: new Counter({
      name: "tarka_dlq_messages_total",
      help: "Jobs moved to the dead-letter queue, by kind",
      labelNames: ["kind"],
      registers: r,
    }),
    deadLetterDepth: new Gauge({ name: "tarka_dlq_depth", help: "Entries in the dead-letter stream", registers: r }),
    dedupeHits: new Counter({
      name: "tarka_dedupe_hits_total",
      help: "Jobs skipped because their dedupe key already has (or is getting) a report",
      registers: r,
    }),
    investigations: new Counter({
      name: "tarka_investigations_total",
      help: "Investigations finished, by family, classification and outcome (succeeded|failed)",
      labelNames: ["family", "classification", "outcome"],
      registers: r,
    }),
    investigationDuration: new Histogram({
      name: "tarka_investigation_duration_seconds",
      help: "Wall time of one investigation, evidence to stored report",
      labelNames: ["family"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers: r,
    }),
    jobsInFlight: new Gauge({ name: "tarka_worker_jobs_in_flight", help: "Jobs being handled now", registers: r }),
    providerCallDuration: new Histogram({
      name: "tarka_provider_call_duration_seconds",
      help: "Evidence provider call latency, by provider and outcome",
      labelNames: ["provider", "outcome"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    providerErrors: new Counter({
      name: "tarka_provider_errors_total",
      help: "Evidence provider calls that failed or timed out, by provider",
      labelNames: ["provider"],
      registers: r,
    }),
    llmTokens: new Counter({
      name: "tarka_llm_tokens_total",
      help: "LLM tokens used, by direction (input|output)",
      labelNames: ["direction"],
      registers: r,
    }),
    llmCost: new Counter({ name: "tarka_llm_cost_usd_total", help: "Estimated LLM spend in USD", registers: r }),
    llmCalls: new Counter({
      name: "tarka_llm_calls_total",
      help: "Model calls (one chat turn, possibly several steps), by purpose (chat) and outcome (ok|error|timeout)",
      labelNames: ["purpose", "outcome"],
      registers: r,
    }),
    chatTurns: new Counter({
      name: "tarka_chat_turns_total",
      help: "Chat answers, by mode (model|deterministic)",
      labelNames: ["mode"],
      registers: r,
    }),
    chatToolCalls: new Counter({
      name: "tarka_chat_tool_calls_total",
      help: "Tool calls made by chat, by tool and outcome (ok|empty|refused|error|timeout)",
      labelNames: ["tool", "outcome"],
      registers: r,
    }),
    notificationsDelivered: new Counter({
      name: "tarka_notifications_total",
      help: "Notification delivery attempts from the outbox, by channel (slack|webhook) and outcome (delivered|retry|failed)",
      labelNames: ["channel", "outcome"],
      registers: r,
    }),
    notificationDuration: new Histogram({
      name: "tarka_notifications_delivery_duration_seconds",
      help: "Time to send one notification, by channel",
      labelNames: ["channel"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    notificationsPending: new Gauge({
      name: "tarka_notifications_pending",
      help: "Notifications waiting in the outbox (due now or backing off)",
      registers: r,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
