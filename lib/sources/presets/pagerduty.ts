import { z } from "zod";
import { invalidInput } from "@/lib/http/zod-issues";
import { boundAnnotations, boundLabels, type MappedAlert } from "../mapped-alert";

const reference = z.object({ id: z.string(), summary: z.string().optional(), html_url: z.string().optional() }).partial({ summary: true });

/** PagerDuty v3 webhook: one event per request, the incident under `event.data`. */
const pagerDutyWebhookSchema = z.object({
  event: z.object({
    id: z.string(),
    event_type: z.string(),
    resource_type: z.string(),
    occurred_at: z.string(),
    data: z.object({
      id: z.string(),
      type: z.string().optional(),
      html_url: z.string().optional(),
      number: z.number().optional(),
      status: z.string().optional(),
      title: z.string().optional(),
      urgency: z.string().optional(),
      created_at: z.string().optional(),
      service: reference.optional(),
      escalation_policy: reference.optional(),
      priority: z.object({ summary: z.string().optional() }).nullish(),
    }),
  }),
});

/** Incident triggered → firing, resolved → resolved; other event types (acknowledged, annotated…) are not alerts. */
export function mapPagerDutyPayload(payload: unknown): MappedAlert[] {
  const parsed = pagerDutyWebhookSchema.safeParse(payload);
  if (!parsed.success) throw invalidInput(parsed.error, "invalid PagerDuty v3 webhook payload");
  const { event } = parsed.data;
  const status = { "incident.triggered": "firing", "incident.resolved": "resolved" }[event.event_type] as
    | "firing"
    | "resolved"
    | undefined;
  if (event.resource_type !== "incident" || !status) return [];
  const incident = event.data;
  return [
    {
      key: incident.id,
      alertname: "PagerDutyIncident",
      status,
      labels: boundLabels({
        severity: incident.urgency === "high" ? "critical" : incident.urgency === "low" ? "warning" : undefined,
        service: incident.service?.summary,
        pagerduty_service_id: incident.service?.id,
        pagerduty_incident_id: incident.id,
        priority: incident.priority?.summary,
      }),
      annotations: boundAnnotations({
        summary: incident.title,
        incident_url: incident.html_url,
        escalation_policy: incident.escalation_policy?.summary,
      }),
      startsAt: incident.created_at ?? event.occurred_at,
      endsAt: status === "resolved" ? event.occurred_at : undefined,
      generatorURL: incident.html_url,
    },
  ];
}
