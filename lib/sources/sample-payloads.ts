import type { SourcePreset } from "./config";

/**
 * What the admin page's "send test payload" starts from: each vendor's payload shape, abridged, with
 * values that name themselves as a test. The generic preset has no fixed shape, so it starts empty.
 */
export function samplePayload(preset: SourcePreset, now: Date): string {
  const at = now.toISOString();
  const id = `tarka-test-${now.getTime()}`;
  const samples: Record<SourcePreset, unknown> = {
    grafana: {
      receiver: "tarka",
      status: "firing",
      orgId: 1,
      alerts: [
        {
          status: "firing",
          labels: { alertname: "TarkaSourceTest", namespace: "default", severity: "info" },
          annotations: { summary: "Test alert sent from the Tarka admin page" },
          startsAt: at,
          endsAt: "0001-01-01T00:00:00Z",
          generatorURL: "",
          fingerprint: id,
        },
      ],
      version: "1",
    },
    pagerduty: {
      event: {
        id,
        event_type: "incident.triggered",
        resource_type: "incident",
        occurred_at: at,
        data: {
          id: id.toUpperCase(),
          type: "incident",
          status: "triggered",
          title: "Test incident sent from the Tarka admin page",
          urgency: "low",
          created_at: at,
          service: { id: "PTEST00", summary: "tarka-source-test", type: "service_reference" },
        },
      },
    },
    jira: {
      timestamp: now.getTime(),
      webhookEvent: "jira:issue_created",
      issue: {
        id: String(now.getTime()),
        key: "TEST-1",
        fields: {
          summary: "Test issue sent from the Tarka admin page",
          created: at,
          project: { key: "TEST", name: "Tarka test" },
          issuetype: { name: "Incident" },
          status: { name: "To Do", statusCategory: { key: "new" } },
          resolution: null,
        },
      },
    },
    generic: {},
  };
  return JSON.stringify(samples[preset], null, 2);
}
