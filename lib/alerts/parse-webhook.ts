import { z } from "zod";
import { ServiceError } from "@/lib/errors";
import { invalidInput } from "@/lib/http/zod-issues";
import { alertmanagerAlertSchema, alertmanagerWebhookSchema, type AlertmanagerAlert, type AlertmanagerWebhook } from "./schema";

const envelopeSchema = alertmanagerWebhookSchema.extend({ alerts: z.array(z.unknown()).min(1, { message: "expected at least one alert" }) });

/** Alerts validated between two turns of the event loop: /healthz must answer while a large payload is read. */
const CHUNK = 100;

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Validates an Alertmanager webhook body alert by alert, yielding between chunks. Throws
 * payload_too_large above `maxAlerts` (before looking at any alert) and invalid_input naming the
 * first failing field as `alerts.<index>.<field>`.
 */
export async function parseWebhook(body: unknown, options: { maxAlerts: number }): Promise<AlertmanagerWebhook> {
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
  for (let i = 0; i < raw.length; i++) {
    if (i > 0 && i % CHUNK === 0) await yieldToEventLoop();
    const parsed = alertmanagerAlertSchema.safeParse(raw[i]);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        ...issue,
        path: ["alerts", i, ...issue.path],
        // zod words a bad record key as "Invalid key in record" and keeps the reason one level down.
        message: issue.code === "invalid_key" ? `label name ${issue.issues[0]?.message ?? "is invalid"}` : issue.message,
      }));
      throw invalidInput(new z.ZodError(issues), "invalid Alertmanager payload");
    }
    alerts.push(parsed.data);
  }
  return { ...envelope.data, alerts };
}
