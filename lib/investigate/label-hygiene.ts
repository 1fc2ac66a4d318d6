/**
 * Label problems that make an alert noisy or hard to route, found from the alert's own labels:
 * ephemeral values (each occurrence a new series and a new Alertmanager group) and missing
 * routing labels (nobody in particular gets paged, or at the wrong urgency).
 */

const ephemeralValue: Array<{ what: string; test: RegExp }> = [
  { what: "a UUID", test: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i },
  { what: "a long hex id", test: /^[0-9a-f]{24,}$/i },
  { what: "a timestamp", test: /^(\d{10}|\d{13}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2})/ },
];

const ephemeralKeys = /^(request_?id|trace_?id|span_?id|session_?id|user_?id|correlation_?id|uuid|timestamp)$/i;

/** Labels that Kubernetes makes unique per pod anyway; not worth a note on their own. */
const expectedUnique = new Set(["pod", "pod_name", "instance", "uid", "container_id", "id", "image_id", "fingerprint"]);

export function labelHygieneNotes(labels: Record<string, string>): string[] {
  const notes: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (expectedUnique.has(key)) continue;
    const hit = ephemeralKeys.test(key) ? { what: "a per-request value" } : ephemeralValue.find((e) => e.test.test(value));
    if (hit) {
      notes.push(`label ${key}="${value.slice(0, 40)}" looks like ${hit.what}: every value is a new alert and a new notification group; drop it from the rule's labels (keep it in annotations)`);
    }
  }
  if (!labels.severity) notes.push("no severity label: Alertmanager routes cannot tell a page from a ticket");
  if (!labels.team && !labels.owner && !labels.service && !labels.namespace) {
    notes.push("no team, owner, service or namespace label: the alert cannot be routed to an owner");
  }
  return notes;
}
