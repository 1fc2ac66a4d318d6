import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { httpStatus } from "@/lib/errors";
import type { AlertSource, SourcePreset } from "./config";
import { compileMapping } from "./generic-mapping";
import { sourceAlerts } from "./ingest-source-payload";
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

const sources: Record<SourcePreset, AlertSource> = {
  grafana: { id: "fuzz", preset: "grafana", secret: "s", labels: {} },
  pagerduty: { id: "fuzz", preset: "pagerduty", secret: "s", labels: {} },
  jira: { id: "fuzz", preset: "jira", secret: "s", labels: {} },
  generic: { id: "fuzz", preset: "generic", secret: "s", labels: {}, mapping: generic },
};
const options = { jiraProjectFilter: [], maxAlerts: 1000, now };
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

/** What ingestSourcePayload does with a verified body before anything is stored ends in alerts, nothing, or a 4xx error. */
async function expectAlertsOr4xx(preset: SourcePreset, payload: unknown): Promise<void> {
  try {
    await sourceAlerts(sources[preset], payload, options);
  } catch (e) {
    const status = httpStatus(e);
    if (status < 400 || status >= 500) throw new Error(`${preset}: ${status} for ${JSON.stringify(payload).slice(0, 200)}: ${String(e)}`);
  }
}

describe("source payload fuzzing (every preset's mapping, then the /alerts schema)", () => {
  const presets = Object.keys(sources) as SourcePreset[];

  it("maps each preset's documented sample to at least one alert the intake accepts", async () => {
    for (const preset of presets) {
      const sample = preset === "generic" ? genericSample : JSON.parse(samplePayload(preset, now));
      expect((await sourceAlerts(sources[preset], sample, options))?.alerts.length, preset).toBeGreaterThan(0);
    }
  });

  it("refuses a numeric time beyond what a date can hold with a 400 naming the field (a counterexample fuzzing found)", async () => {
    const payload = { checks: [{ ...genericSample.checks[0], since: 1e308 }] };
    const error = await sourceAlerts(sources.generic, payload, options).catch((e: unknown) => e);
    expect(httpStatus(error)).toBe(400);
    expect((error as Error).message).toMatch(/^mapping\.startsAt: "1e\+308" is not a timestamp/);
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

  // The second mapping is plain throughout (field names, literals, objects of them): read without jsonata.
  const plainMapping = compileMapping({ alerts: "checks", fingerprint: "id", alertname: "name", status: "'firing'", labels: "tags", annotations: "{ 'summary': summary }", startsAt: "since" });
  it.each([
    ["a mapping with a condition", generic],
    ["a plain mapping", plainMapping],
  ])("maps a generic payload (%s) the same plainly, in one evaluation per alert, and field by field: same alerts, or the same error", async (_name, mapping) => {
    expect(mapping === plainMapping ? mapping.plain.item : mapping.item).not.toBeNull();
    const fast: AlertSource = { ...sources.generic, mapping };
    const fieldByField: AlertSource = { ...sources.generic, mapping: { ...mapping, item: null, plain: { alerts: null, item: null } } };
    const outcome = (source: AlertSource, payload: unknown) =>
      sourceAlerts(source, payload, options).then(
        (alerts) => ({ alerts }),
        (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
      );
    const replacement = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom("x".repeat(70_000), "resolved", "ok", "2026-12-05T07:30:00Z", 1_764_000_000_000, [{}], {}));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 4 }), replacement, async (path, value) => {
        const payload = mutate(genericSample, path, value);
        expect(await outcome(fast, payload)).toEqual(await outcome(fieldByField, payload));
      }),
      { numRuns: 400 },
    );
  });
});
