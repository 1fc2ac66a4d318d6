import { parseWebhook } from "@/lib/alerts/parse-webhook";
import type { DeliveryClaim } from "@/lib/alerts/receipt-ledger";
import type { AlertmanagerWebhook } from "@/lib/alerts/schema";
import { ingestAlerts, type IngestContext, type IngestResult } from "@/lib/intake/ingest-alerts";
import { ServiceError, errorMessage } from "@/lib/errors";
import type { AlertSource } from "./config";
import type { DeliveryClaims } from "./delivery-claims";
import { compileMapping, mapGenericPayload } from "./generic-mapping";
import { toAlertmanagerAlert, type MappedAlert } from "./mapped-alert";
import { mapGrafanaPayload } from "./presets/grafana";
import { mapJiraPayload } from "./presets/jira";
import { mapPagerDutyPayload } from "./presets/pagerduty";
import { verifySender } from "./verify-sender";

export type SourceIngestContext = IngestContext & {
  sources: AlertSource[];
  jiraProjectFilter: string[];
  /** WEBHOOK_MAX_ALERTS: the same cap per request as /alerts. */
  maxAlerts: number;
  /** Delivery ids already accepted, for replay rejection (shared by a process's requests). */
  claims: DeliveryClaims;
};

export type SourceIngestResult = IngestResult & { source: string; ignored: boolean };

function mapPayload(source: AlertSource, payload: unknown, jiraProjectFilter: string[]): Promise<MappedAlert[]> | MappedAlert[] {
  switch (source.preset) {
    case "grafana":
      return mapGrafanaPayload(payload);
    case "pagerduty":
      return mapPagerDutyPayload(payload);
    case "jira":
      return mapJiraPayload(payload, jiraProjectFilter);
    case "generic":
      return mapGenericPayload(source.mapping ?? compileMapping({}), payload);
  }
}

/**
 * A source's payload as the alerts intake takes, or null when it holds none (an event that is not an
 * alert). What a preset or mapping built must meet the /alerts schema: a 400 naming the field, never
 * a 503 from the database.
 */
export async function sourceAlerts(
  source: AlertSource,
  body: unknown,
  options: { jiraProjectFilter: string[]; maxAlerts: number; now: Date },
): Promise<AlertmanagerWebhook | null> {
  const mapped = await mapPayload(source, body, options.jiraProjectFilter);
  if (mapped.length === 0) return null;
  return parseWebhook({ alerts: mapped.map((m) => toAlertmanagerAlert(m, source, options.now)) }, { maxAlerts: options.maxAlerts });
}

async function claimDeliveryId(ctx: SourceIngestContext, sourceId: string, deliveryId: string): Promise<boolean> {
  try {
    return await ctx.claims.claim(sourceId, deliveryId);
  } catch (e) {
    throw new ServiceError("unavailable", `could not record the delivery id: ${errorMessage(e)}`, { cause: e });
  }
}

/**
 * Take one request of a configured alert source: verify its sender over the raw body, map the payload
 * with the source's preset, and hand the alerts to the same intake as /alerts (receipt ledger,
 * snooze and allowlist guards, queue), recorded under the source's id. A replayed delivery id is
 * refused (its id is written with the receipts, in one statement); a delivery that could not be
 * queued releases its id, so the sender's retry is accepted.
 */
export async function ingestSourcePayload({
  ctx,
  input,
}: {
  ctx: SourceIngestContext;
  input: { sourceId: string; headers: Headers; body: Buffer };
}): Promise<SourceIngestResult> {
  const source = ctx.sources.find((s) => s.id === input.sourceId);
  if (!source) throw new ServiceError("not_found", `no alert source "${input.sourceId.slice(0, 64)}" is configured`);

  const now = ctx.now?.() ?? new Date();
  let deliveryId: string | undefined;
  try {
    deliveryId = verifySender(source, input.headers, input.body, now).deliveryId;
  } catch (e) {
    const reason = e instanceof ServiceError ? String((e.details as { reason?: string })?.reason ?? e.message) : errorMessage(e);
    ctx.metrics?.sourceSignatureFailures.inc({ source: source.id, reason: reason.split(":")[0].slice(0, 40) });
    ctx.log.warn({ source: source.id, preset: source.preset, reason }, "alert source request refused: sender not verified");
    throw e;
  }

  let body: unknown;
  try {
    body = JSON.parse(input.body.toString("utf8"));
  } catch (e) {
    throw new ServiceError("invalid_input", `body is not valid JSON: ${errorMessage(e)}`);
  }
  const payload = await sourceAlerts(source, body, { jiraProjectFilter: ctx.jiraProjectFilter, maxAlerts: ctx.maxAlerts, now });

  if (!payload) {
    if (deliveryId && !(await claimDeliveryId(ctx, source.id, deliveryId))) {
      throw new ServiceError("conflict", `delivery ${deliveryId} was already accepted (replay refused)`);
    }
    return { received: 0, enqueued: 0, skipped: { resolved: 0, allowlist: 0, snoozed: 0, duplicate: 0, invalid: 0 }, refused: [], source: source.id, ignored: true };
  }

  const claim: DeliveryClaim | undefined = deliveryId ? { sourceId: source.id, deliveryId } : undefined;
  if (claim) ctx.claims.pruneExpired();
  try {
    const result = await ingestAlerts({ ctx: { ...ctx, now: () => now }, input: { payload, source: source.id, claim } });
    return { ...result, source: source.id, ignored: false };
  } catch (e) {
    if (claim?.recorded) await ctx.claims.release(claim.sourceId, claim.deliveryId).catch(() => undefined);
    throw e;
  }
}
