import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseWebhook } from "@/lib/alerts/parse-webhook";
import { alertmanagerWebhookSchema } from "@/lib/alerts/schema";
import { httpStatus } from "@/lib/errors";
import type { SourcePreset } from "./config";
import { compileMapping, mapGenericPayload } from "./generic-mapping";
import { toAlertmanagerAlert, type MappedAlert } from "./mapped-alert";
import { mapGrafanaPayload } from "./presets/grafana";
import { mapJiraPayload } from "./presets/jira";
import { mapPagerDutyPayload } from "./presets/pagerduty";
import { samplePayload } from "./sample-payloads";

const now = new Date("2026-12-05T08:00:00Z");
const generic = compileMapping({
  alerts: "checks",
  fingerprint: "id",
  alertname: "name",
  status: "state = 'ok' ? 'resolved' : 'firing'",
  labels: "tags",
  annotations: "{ 'summary': summary }",
  startsAt: "since",
});

const mappers: Record<SourcePreset, (payload: unknown) => Promise<MappedAlert[]> | MappedAlert[]> = {
  grafana: mapGrafanaPayload,
  pagerduty: mapPagerDutyPayload,
  jira: (p) => mapJiraPayload(p, []),
  generic: (p) => mapGenericPayload(generic, p),
};
const genericSample = {
  checks: [{ id: "c1", name: "DiskFull", state: "alerting", tags: { namespace: "payments" }, summary: "disk full", since: "2026-12-05T07:00:00Z" }],
};

/** Replace the value at one random path of a JSON document with an arbitrary value. */
function mutate(doc: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || doc === null || typeof doc !== "object") return replacement;
  const entries = Array.isArray(doc) ? doc.map((v, i) => [i, v] as const) : Object.entries(doc);
  if (entries.length === 0) return replacement;
  const [key, value] = entries[path[0] % entries.length];
  const copy = (Array.isArray(doc) ? [...doc] : { ...doc }) as Record<string | number, unknown>;
  copy[key] = mutate(value, path.slice(1), replacement);
  return copy;
}

/**
 * What ingestSourcePayload does before anything is stored — map with the preset, then validate with
 * the /alerts schema — ends in alerts or a 4xx error: never a 5xx, never an unexpected throw.
 */
async function expectAlertsOr4xx(preset: SourcePreset, payload: unknown): Promise<void> {
  try {
    const mapped = await mappers[preset](payload);
    if (mapped.length === 0) return;
    const parsed = await parseWebhook({ alerts: mapped.map((m) => toAlertmanagerAlert(m, { id: "fuzz", labels: {} }, now)) }, { maxAlerts: 1000 });
    expect(parsed.alerts).toHaveLength(mapped.length);
  } catch (e) {
    const status = httpStatus(e);
    if (status < 400 || status >= 500) throw new Error(`${preset}: ${status} for ${JSON.stringify(payload).slice(0, 200)}: ${String(e)}`);
  }
}

describe("source payload fuzzing (every preset's mapping)", () => {
  const presets = Object.keys(mappers) as SourcePreset[];

  it("maps each preset's documented sample to at least one alert the intake accepts", async () => {
    for (const preset of presets) {
      const sample = preset === "generic" ? genericSample : JSON.parse(samplePayload(preset, now));
      const mapped = await mappers[preset](sample);
      expect(mapped.length, preset).toBeGreaterThan(0);
      const alerts = mapped.map((m) => toAlertmanagerAlert(m, { id: "fuzz", labels: {} }, now));
      expect(alertmanagerWebhookSchema.safeParse({ version: "4", status: "firing", receiver: "r", groupKey: "g", alerts }).success, preset).toBe(true);
    }
  });

  it("never fails with anything but a 4xx for arbitrary JSON", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...presets), fc.jsonValue({ maxDepth: 4 }), (preset, payload) => expectAlertsOr4xx(preset, payload)),
      { numRuns: 400 },
    );
  });

  it("never fails with anything but a 4xx for a documented sample with one value replaced", async () => {
    const hostile = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom("\u0000", "\ud800", "x".repeat(100_000), "9999-99-99T99:99:99Z", "../..", "$(reboot)", -1, 1e308, null, [], {}),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...presets), fc.array(fc.nat(), { maxLength: 6 }), hostile, (preset, path, replacement) => {
        const sample = preset === "generic" ? genericSample : JSON.parse(samplePayload(preset, now));
        return expectAlertsOr4xx(preset, mutate(sample, path, replacement));
      }),
      { numRuns: 600 },
    );
  });
});
