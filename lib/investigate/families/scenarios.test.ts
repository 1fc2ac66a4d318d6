import { describe, expect, it } from "vitest";
import { families } from "@/lib/alerts/family";
import { buildScenarios, type Case } from "@/test/scenarios/families";

// The real-peer scenarios (run by integration/families.integration.test.ts) are the only place a
// family's diagnosis is tested; this guard keeps each family from shipping with one happy path.
const scenarios = buildScenarios({ now: new Date("2026-11-23T12:00:00.000Z"), prefix: "guard" });

function diagnosis(c: Case): string {
  return `${c.expected.label} / ${c.expected.top}`;
}

describe.each(families.map((family) => ({ family })))("scenarios of $family", ({ family }) => {
  const s = scenarios.find((x) => x.family === family);
  const firing = s ? [s.firing, ...(s.variants ?? [])] : [];

  it("exist, with a healthy case that claims no cause", () => {
    expect(s, `no scenario for ${family} in test/scenarios/families.ts`).toBeDefined();
    expect(s?.healthy.alert.fingerprint).not.toBe(s?.firing.alert.fingerprint);
  });

  it("hold at least two distinct firing scenarios plus a look-alike (three alerts, two diagnoses)", () => {
    const alerts = new Set(firing.map((c) => c.alert.fingerprint));
    const diagnoses = new Set(firing.map(diagnosis));
    expect(alerts.size, `${family}: firing cases with distinct alerts`).toBeGreaterThanOrEqual(3);
    expect(diagnoses.size, `${family}: distinct diagnoses among ${[...firing.map(diagnosis)].join(", ")}`).toBeGreaterThanOrEqual(2);
  });
});

describe("scenario names", () => {
  it("are unique within a family, so a failing variant is found by its name", () => {
    for (const s of scenarios) {
      const names = (s.variants ?? []).map((v) => v.name);
      expect(new Set(names).size, s.family).toBe(names.length);
    }
  });
});
