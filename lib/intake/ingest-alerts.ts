import { randomUUID } from "node:crypto";
import { familyOf } from "@/lib/alerts/family";
import { identityOf } from "@/lib/alerts/identity";
import { normalizeAlert } from "@/lib/alerts/normalize";
import { yieldToEventLoop, type RefusedAlert } from "@/lib/alerts/parse-webhook";
import { createReceiptLedger, type DeliveryClaim, type ReceiptLedger } from "@/lib/alerts/receipt-ledger";
import type { AlertmanagerAlert, AlertmanagerWebhook, NormalizedAlert } from "@/lib/alerts/schema";
import { closeResolvedCases } from "@/lib/cases/close-resolved-cases";
import { findSnoozed, type SnoozeCache } from "@/lib/cases/find-snoozed-cases";
import type { DbOrTx } from "@/lib/db/client";
import type { OutboundChannels } from "@/lib/notifications/case-event";
import { describeDbError } from "@/lib/db/describe-db-error";
import type { AlertDisposition } from "@/lib/db/schema/constants";
import { ServiceError, errorMessage } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import type { Metrics } from "@/lib/metrics";
import type { AlertJob } from "@/lib/queue/job";
import type { JobQueue } from "@/lib/queue/types";
import { SpanKind, traceparentOf, withSpan } from "@/lib/tracing/spans";

export type IngestResult = {
  received: number;
  enqueued: number;
  skipped: { resolved: number; allowlist: number; snoozed: number; duplicate: number; invalid: number };
  /** Alerts of the payload the schema refused: recorded as `skipped_invalid` with this reason. */
  refused: Array<{ index: number; reason: string }>;
};

export type IngestContext = {
  db: DbOrTx;
  queue: JobQueue;
  log: Logger;
  metrics?: Metrics;
  now?: () => Date;
  snoozeCache?: SnoozeCache;
  /** Shared by a process's requests so their receipts are written together; one per call otherwise. */
  ledger?: ReceiptLedger;
  /** Channels told about cases closed by resolved alerts. */
  outbound?: OutboundChannels;
  config: { allowlist: string[]; timeWindow: string; clusterName?: string; scrapers?: string[] };
};

/** Alerts normalized between two turns of the event loop, so /healthz answers during a large payload. */
const YIELD_EVERY = 200;

/** Nats-Msg-Id: the same notification of the same alert is dropped by the queue's duplicate window. */
function messageId(alert: NormalizedAlert): string {
  return `${alert.fingerprint}-${Date.parse(alert.startsAt)}`;
}

/**
 * Record every alert of an Alertmanager payload, then queue each firing alert that passes the
 * guards (allowlist, snooze). Resolved alerts close their cases and are never investigated.
 * Throws ServiceError("unavailable") when any alert could not be durably recorded or queued, so the
 * caller answers 5xx and Alertmanager retries: nothing answered 2xx is ever lost.
 */
export type IngestInput = {
  /** The valid alerts; `refused` (from parseWebhook) are recorded with their reason and nothing else. */
  payload: AlertmanagerWebhook & { refused?: RefusedAlert[] };
  /** The configured source the payload came through (its alerts are already in Alertmanager's shape); absent for /alerts. */
  source?: string;
  /** The signed request's delivery id: recorded with the receipts, and a replay records nothing (conflict). */
  claim?: DeliveryClaim;
};

export function ingestAlerts(args: { ctx: IngestContext; input: IngestInput }): Promise<IngestResult> {
  return withSpan("tarka.ingest", { attributes: { "tarka.alerts": args.input.payload.alerts.length } }, async (span) => {
    const result = await ingest(args);
    span.setAttribute("tarka.enqueued", result.enqueued);
    return result;
  });
}

async function ingest({ ctx, input }: { ctx: IngestContext; input: IngestInput }): Promise<IngestResult> {
  const now = ctx.now?.() ?? new Date();
  const normalize = (raw: AlertmanagerAlert): NormalizedAlert => {
    const normalized = normalizeAlert(raw, input.payload, now);
    return input.source ? { ...normalized, source: input.source } : normalized;
  };
  const alerts: NormalizedAlert[] = [];
  const identityKeyOf = new Map<NormalizedAlert, string>();
  for (const [i, raw] of input.payload.alerts.entries()) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
    const alert = normalize(raw);
    alerts.push(alert);
    if (alert.status === "firing") {
      identityKeyOf.set(alert, identityOf(alert, familyOf(alert.alertname, alert.labels), { defaultCluster: ctx.config.clusterName, scrapers: ctx.config.scrapers }).key);
    }
  }
  const allow = ctx.config.allowlist;
  const firing = alerts.filter((a) => a.status === "firing");
  const resolved = alerts.filter((a) => a.status === "resolved");

  const identityKeys = [...identityKeyOf.values()];
  const snoozed = await findSnoozed({
    ctx: { db: ctx.db, now, cache: ctx.snoozeCache },
    input: { identityKeys, fingerprints: firing.map((a) => a.fingerprint) },
  }).catch((e: unknown) => {
    throw new ServiceError("unavailable", `database unavailable: ${describeDbError(e)}`, { cause: e });
  });

  const rows: Array<{ id: string; alert: NormalizedAlert; disposition: AlertDisposition; reason: string | null }> = alerts.map((alert) => {
    let disposition: AlertDisposition = "queued";
    let reason: string | null = null;
    if (alert.status === "resolved") {
      disposition = "skipped_resolved";
      reason = `resolved at ${alert.endsAt}`;
    } else if (allow.length > 0 && !allow.includes(alert.alertname)) {
      disposition = "skipped_allowlist";
      reason = `${alert.alertname} is not in ALERTNAME_ALLOWLIST`;
    } else if (
      snoozed.fingerprints.has(alert.fingerprint) ||
      snoozed.identityKeys.has(identityKeyOf.get(alert) ?? "")
    ) {
      disposition = "skipped_snoozed";
      reason = "case is snoozed";
    }
    return {
      id: randomUUID(),
      alert,
      disposition,
      reason,
    };
  });
  const refused = input.payload.refused ?? [];
  for (const r of refused) rows.push({ id: randomUUID(), alert: normalize(r.alert), disposition: "skipped_invalid", reason: r.reason });

  const ledger = ctx.ledger ?? createReceiptLedger(ctx.db);
  let recorded: boolean;
  try {
    recorded = await ledger.record(rows, now, input.claim);
  } catch (e) {
    // The insert may have committed before its connection died: settle those receipts once the
    // database is back, or they would stay `queued` with no job (the resend gets receipts of its own).
    const refused = rows.filter((r) => r.disposition === "queued");
    const reason = "answered 503 while the database was failing; the sender resends the alert";
    void ledger.markLater(refused.map((r) => ({ id: r.id, disposition: "enqueue_failed", reason })));
    throw new ServiceError("unavailable", `could not record alerts: ${describeDbError(e)}`, { cause: e });
  }
  if (!recorded) throw new ServiceError("conflict", `delivery ${input.claim?.deliveryId} was already accepted (replay refused)`);

  if (resolved.length > 0) {
    await closeResolvedCases({ ctx, input: { fingerprints: resolved.map((a) => a.fingerprint), by: input.source } }).catch((e: unknown) =>
      ctx.log.warn({ err: describeDbError(e) }, "could not close cases of resolved alerts"),
    );
  }

  const toQueue = rows.filter((r) => r.disposition === "queued");
  const outcomes = await Promise.allSettled(
    toQueue.map((r) => {
      const attributes = {
        "messaging.system": ctx.queue.kind,
        "messaging.operation.type": "send",
        "tarka.fingerprint": r.alert.fingerprint,
        "tarka.receipt_id": r.id,
      };
      return withSpan("tarka.publish", { kind: SpanKind.PRODUCER, attributes }, async (span) => {
        // The job carries this span's context, so the worker's span continues the trace as its child.
        const traceparent = traceparentOf(span);
        const job: AlertJob = {
          alert: r.alert,
          receiptId: r.id,
          receivedAt: now.toISOString(),
          timeWindow: ctx.config.timeWindow,
          ...(traceparent ? { traceparent } : {}),
        };
        const published = await ctx.queue.publish(job, messageId(r.alert));
        span.setAttribute("tarka.duplicate", published.duplicate);
        return published;
      });
    }),
  );

  const duplicates: string[] = [];
  const failed: string[] = [];
  let firstError: unknown;
  outcomes.forEach((o, i) => {
    if (o.status === "rejected") {
      failed.push(toQueue[i].id);
      firstError ??= o.reason;
    } else if (o.value.duplicate) duplicates.push(toQueue[i].id);
  });
  await ledger
    .mark(duplicates.map((id) => ({ id, disposition: "skipped_duplicate", reason: "same notification already queued" })))
    .catch((e: unknown) => {
      throw new ServiceError("unavailable", `could not record duplicate alerts: ${describeDbError(e)}`, { cause: e });
    });
  if (failed.length > 0) {
    const reason = errorMessage(firstError);
    const changes = failed.map((id) => ({ id, disposition: "enqueue_failed" as const, reason }));
    await ledger.mark(changes).catch(() => void ledger.markLater(changes));
    throw new ServiceError("unavailable", `could not queue ${failed.length} alert(s): ${errorMessage(firstError)}`, {
      cause: firstError,
    });
  }

  const count = (d: AlertDisposition) => rows.filter((r) => r.disposition === d).length;
  const result: IngestResult = {
    received: rows.length,
    enqueued: toQueue.length - duplicates.length,
    skipped: {
      resolved: count("skipped_resolved"),
      allowlist: count("skipped_allowlist"),
      snoozed: count("skipped_snoozed"),
      duplicate: duplicates.length,
      invalid: refused.length,
    },
    refused: refused.map((r) => ({ index: r.index, reason: r.reason })),
  };
  if (ctx.metrics) {
    ctx.metrics.alertsReceived.inc({ status: "firing" }, firing.length);
    ctx.metrics.alertsReceived.inc({ status: "resolved" }, resolved.length);
    ctx.metrics.alertsEnqueued.inc(result.enqueued);
    for (const [reason, n] of Object.entries(result.skipped)) if (n > 0) ctx.metrics.alertsSkipped.inc({ reason }, n);
  }
  return result;
}
