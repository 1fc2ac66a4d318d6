import { z } from "zod";
import { invalidInput } from "@/lib/http/zod-issues";
import { boundAnnotations, boundLabels, type MappedAlert } from "../mapped-alert";

const labelSet = z.record(z.string(), z.unknown());

/** Grafana Alerting's webhook contact point: Alertmanager's shape plus Grafana fields (orgId, values, dashboardURL…). */
const grafanaWebhookSchema = z.object({
  receiver: z.string().optional(),
  status: z.enum(["firing", "resolved"]).optional(),
  externalURL: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(["firing", "resolved"]),
        labels: labelSet,
        annotations: labelSet.default({}),
        startsAt: z.string().optional(),
        endsAt: z.string().optional(),
        generatorURL: z.string().optional(),
        fingerprint: z.string().optional(),
        dashboardURL: z.string().optional(),
        panelURL: z.string().optional(),
        valueString: z.string().optional(),
      }),
    )
    .min(1, { message: "expected at least one alert" }),
});

export function mapGrafanaPayload(payload: unknown): MappedAlert[] {
  const parsed = grafanaWebhookSchema.safeParse(payload);
  if (!parsed.success) throw invalidInput(parsed.error, "invalid Grafana Alerting payload");
  return parsed.data.alerts.map((a) => {
    const labels = boundLabels(a.labels);
    const annotations = boundAnnotations({
      ...a.annotations,
      ...(a.dashboardURL ? { dashboard_url: a.dashboardURL } : {}),
      ...(a.panelURL ? { panel_url: a.panelURL } : {}),
      ...(a.valueString ? { values: a.valueString } : {}),
    });
    return {
      key: a.fingerprint ?? JSON.stringify(Object.entries(labels).sort()),
      alertname: labels.alertname ?? "GrafanaAlert",
      status: a.status,
      labels,
      annotations,
      startsAt: a.startsAt,
      endsAt: a.status === "resolved" ? a.endsAt : undefined,
      generatorURL: a.generatorURL,
    };
  });
}
