import type { AlertmanagerAlert } from "@/lib/alerts/schema";

/** What every preset maps a payload to, before it joins Alertmanager's path. */
export type MappedAlert = {
  /** Unique within the source; prefixed with the source id so two sources never share one. */
  key: string;
  alertname: string;
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
};

const MAX_LABELS = 64;
const MAX_LABEL_VALUE = 1024;
const MAX_ANNOTATION_VALUE = 8192;

/** Bound a sender's label set: label names Prometheus accepts, at most 64 of them, values cut to size. */
export function boundLabels(values: Record<string, unknown>, maxValue = MAX_LABEL_VALUE): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (Object.keys(out).length >= MAX_LABELS) break;
    if (value === null || value === undefined || typeof value === "object") continue;
    const clean = name.replace(/[^a-zA-Z0-9_]/g, "_").replace(/^([0-9])/, "_$1").slice(0, 128);
    if (clean) out[clean] = String(value).slice(0, maxValue);
  }
  return out;
}

export function boundAnnotations(values: Record<string, unknown>): Record<string, string> {
  return boundLabels(values, MAX_ANNOTATION_VALUE);
}

/**
 * The Alertmanager-shaped alert intake normalizes: the source's own labels are added (the sender's
 * win on a clash only where the source sets none), and a resolved alert gets an endsAt no later
 * than now, which is how normalization recognizes it.
 */
export function toAlertmanagerAlert(
  mapped: MappedAlert,
  source: { id: string; labels: Record<string, string> },
  now: Date,
): AlertmanagerAlert {
  const endsAt =
    mapped.status === "resolved"
      ? mapped.endsAt && Date.parse(mapped.endsAt) <= now.getTime()
        ? mapped.endsAt
        : now.toISOString()
      : undefined;
  return {
    status: mapped.status,
    labels: { ...mapped.labels, alertname: mapped.alertname, ...source.labels },
    annotations: mapped.annotations,
    startsAt: mapped.startsAt,
    endsAt,
    generatorURL: mapped.generatorURL,
    fingerprint: `${source.id}:${mapped.key}`.slice(0, 512),
  };
}
