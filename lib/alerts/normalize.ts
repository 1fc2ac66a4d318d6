import { createHash } from "node:crypto";
import type { AlertmanagerAlert, AlertmanagerWebhook, NormalizedAlert } from "./schema";

/** Go's zero time, which Alertmanager sends as endsAt while an alert fires. */
function isUnsetTime(value: string | undefined): boolean {
  if (!value) return true;
  const t = Date.parse(value);
  return Number.isNaN(t) || t <= 0;
}

/** sha256 of the sorted label set, hex; what we use when Alertmanager sent no fingerprint. */
export function labelFingerprint(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
}

export function normalizeAlert(
  alert: AlertmanagerAlert,
  payload: Pick<AlertmanagerWebhook, "externalURL" | "receiver">,
  now: Date = new Date(),
): NormalizedAlert {
  const endsAtSet = !isUnsetTime(alert.endsAt);
  const resolved = endsAtSet && Date.parse(alert.endsAt as string) <= now.getTime();
  return {
    fingerprint: alert.fingerprint?.trim() || labelFingerprint(alert.labels),
    status: resolved ? "resolved" : "firing",
    alertname: alert.labels.alertname ?? "unknown",
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: isUnsetTime(alert.startsAt) ? now.toISOString() : new Date(alert.startsAt as string).toISOString(),
    endsAt: endsAtSet ? new Date(alert.endsAt as string).toISOString() : null,
    generatorURL: alert.generatorURL || null,
    externalURL: payload.externalURL || null,
    receiver: payload.receiver || null,
  };
}
