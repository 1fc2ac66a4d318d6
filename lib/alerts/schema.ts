import { z } from "zod";

/**
 * Intake bounds. A label value is capped so that an identity built from three of them (cluster,
 * namespace, pod) still fits a PostgreSQL btree entry (at most 2 704 bytes); names are Prometheus
 * label names, far shorter in practice.
 */
export const LABEL_NAME_MAX_BYTES = 256;
export const LABEL_VALUE_MAX_BYTES = 800;
export const TEXT_MAX_BYTES = 64 * 1024;

export const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const encoder = new TextEncoder();
/** The length of `s` in UTF-8 bytes, the unit of the bounds above. */
export const utf8Bytes = (s: string) => encoder.encode(s).length;

/**
 * Text PostgreSQL can store: no NUL byte (text columns refuse it) and no unpaired UTF-16 surrogate
 * (JSON allows "\ud800", UTF-8 cannot encode it).
 */
function storableText(maxBytes: number) {
  return z
    .string()
    .refine((s) => !s.includes("\0"), { message: "contains a NUL byte" })
    .refine((s) => !loneSurrogate.test(s), { message: "contains an unpaired UTF-16 surrogate" })
    .refine((s) => utf8Bytes(s) <= maxBytes, { message: `longer than ${maxBytes} bytes` });
}

const labelSet = z.record(storableText(LABEL_NAME_MAX_BYTES), storableText(LABEL_VALUE_MAX_BYTES));
const annotationSet = z.record(storableText(LABEL_NAME_MAX_BYTES), storableText(TEXT_MAX_BYTES));

/** Timestamps PostgreSQL's timestamptz holds and JavaScript prints as plain RFC 3339 (years 1–9999). */
const timestamp = z.string().refine(
  (s) => {
    if (s === "") return true;
    const t = new Date(s);
    return !Number.isNaN(t.getTime()) && t.getUTCFullYear() >= 1 && t.getUTCFullYear() <= 9999;
  },
  { message: "not an RFC 3339 timestamp between the years 1 and 9999" },
);

/** One alert inside an Alertmanager webhook (v4) payload. */
export const alertmanagerAlertSchema = z.object({
  status: z.enum(["firing", "resolved"]).optional(),
  labels: labelSet.refine((l) => Object.keys(l).length > 0, { message: "an alert needs at least one label" }),
  annotations: annotationSet.default({}),
  startsAt: timestamp.optional(),
  endsAt: timestamp.optional(),
  generatorURL: storableText(TEXT_MAX_BYTES).optional(),
  fingerprint: storableText(LABEL_NAME_MAX_BYTES).optional(),
});

/** Alertmanager webhook payload, version 4. Unknown fields are tolerated (Alertmanager adds them over time). */
export const alertmanagerWebhookSchema = z.object({
  version: z.string().optional(),
  groupKey: storableText(TEXT_MAX_BYTES).optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(["firing", "resolved"]).optional(),
  receiver: storableText(TEXT_MAX_BYTES).optional(),
  groupLabels: labelSet.optional(),
  commonLabels: labelSet.optional(),
  commonAnnotations: annotationSet.optional(),
  externalURL: storableText(TEXT_MAX_BYTES).optional(),
  alerts: z.array(alertmanagerAlertSchema).min(1, { message: "expected at least one alert" }),
});

export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

/** The alert as the rest of Tarka sees it: status decided, fingerprint always present. */
export const normalizedAlertSchema = z.object({
  fingerprint: z.string().min(1),
  status: z.enum(["firing", "resolved"]),
  alertname: z.string(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  generatorURL: z.string().nullable(),
  externalURL: z.string().nullable(),
  receiver: z.string().nullable(),
  /** The alert source it came through: absent for Alertmanager (/alerts), the source id for /sources/{id}/ingest. */
  source: z.string().optional(),
});

export type NormalizedAlert = z.infer<typeof normalizedAlertSchema>;
