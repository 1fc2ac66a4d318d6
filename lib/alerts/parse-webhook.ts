import { z } from "zod";
import { ServiceError } from "@/lib/errors";
import { invalidInput } from "@/lib/http/zod-issues";
import { alertmanagerAlertSchema, alertmanagerWebhookSchema, type AlertmanagerAlert, type AlertmanagerWebhook } from "./schema";
import { storable, storableRefusedAlert } from "./storable-alert";

const envelopeSchema = alertmanagerWebhookSchema.extend({ alerts: z.array(z.unknown()).min(1, { message: "expected at least one alert" }) });

const REASON_MAX_BYTES = 2048;

/** Alerts validated between two turns of the event loop: /healthz must answer while a large payload is read. */
const CHUNK = 100;

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An alert of the payload the schema refused: where it was, why, and what of it the ledger can hold. */
export type RefusedAlert = { index: number; reason: string; alert: AlertmanagerAlert };

/** The payload's valid alerts, and the ones refused (recorded as such by the intake, never investigated). */
export type ParsedWebhook = AlertmanagerWebhook & { refused: RefusedAlert[] };

/**
 * Validates an Alertmanager webhook body alert by alert, yielding between chunks. Throws
 * payload_too_large above `maxAlerts` (before looking at any alert). An alert that fails the schema is
 * set aside with its reason (`alerts.<index>.<field>: …`, never its value): Alertmanager does not retry
 * a 400, so refusing the whole group would drop its valid alerts too. Only when no alert is valid does
 * it throw invalid_input, naming the first failing field.
 */
export async function parseWebhook(body: unknown, options: { maxAlerts: number }): Promise<ParsedWebhook> {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) throw invalidInput(envelope.error, "invalid Alertmanager payload");
  const raw = envelope.data.alerts;
  if (raw.length > options.maxAlerts) {
    throw new ServiceError(
      "payload_too_large",
      `${raw.length} alerts in one payload exceed WEBHOOK_MAX_ALERTS=${options.maxAlerts}; set max_alerts in the Alertmanager webhook_config`,
    );
  }
  const alerts: AlertmanagerAlert[] = [];
  const refused: RefusedAlert[] = [];
  let firstIssues: z.core.$ZodIssue[] | null = null;
  for (let i = 0; i < raw.length; i++) {
    if (i > 0 && i % CHUNK === 0) await yieldToEventLoop();
    const parsed = alertmanagerAlertSchema.safeParse(raw[i]);
    if (parsed.success) {
      alerts.push(parsed.data);
      continue;
    }
    const issues = parsed.error.issues.map((issue) => ({
      ...issue,
      path: ["alerts", i, ...issue.path],
      // zod words a bad record key as "Invalid key in record" and keeps the reason one level down.
      message: issue.code === "invalid_key" ? `label name ${issue.issues[0]?.message ?? "is invalid"}` : issue.message,
    }));
    firstIssues ??= issues;
    // The path holds the alert's own label names: made storable like its labels, and bounded.
    const reason = storable(issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "), REASON_MAX_BYTES);
    refused.push({ index: i, reason, alert: storableRefusedAlert(raw[i]) });
  }
  if (alerts.length === 0 && firstIssues) throw invalidInput(new z.ZodError(firstIssues), "invalid Alertmanager payload");
  return { ...envelope.data, alerts, refused };
}
