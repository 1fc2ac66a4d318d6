import { z } from "zod";

const labelSet = z.record(z.string(), z.string());

/** One alert inside an Alertmanager webhook (v4) payload. */
export const alertmanagerAlertSchema = z.object({
  status: z.enum(["firing", "resolved"]).optional(),
  labels: labelSet.refine((l) => Object.keys(l).length > 0, { message: "an alert needs at least one label" }),
  annotations: labelSet.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

/** Alertmanager webhook payload, version 4. Unknown fields are tolerated (Alertmanager adds them over time). */
export const alertmanagerWebhookSchema = z.object({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(["firing", "resolved"]).optional(),
  receiver: z.string().optional(),
  groupLabels: labelSet.optional(),
  commonLabels: labelSet.optional(),
  commonAnnotations: labelSet.optional(),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlertSchema).min(1, { message: "expected at least one alert" }),
});

export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

/** The alert as the rest of Tarka sees it: status decided, fingerprint always present. */
export const normalizedAlertSchema = z.object({
  fingerprint: z.string().min(1),
  status: z.enum(["firing", "resolved"]),
  alertname: z.string(),
  labels: labelSet,
  annotations: labelSet,
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  generatorURL: z.string().nullable(),
  externalURL: z.string().nullable(),
  receiver: z.string().nullable(),
});

export type NormalizedAlert = z.infer<typeof normalizedAlertSchema>;
