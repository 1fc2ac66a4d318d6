import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { families } from "@/lib/alerts/family";
import {
  allEnrichmentLabels,
  blockers,
  classifications,
  decisionLabels,
  hypothesisCategories,
  isEnrichmentLabel,
  reasonCodeNames,
} from "./vocabulary";

const doc = readFileSync(path.resolve(import.meta.dirname, "../../docs/report-schema.md"), "utf8");

describe("closed vocabularies", () => {
  it("are all documented in docs/report-schema.md", () => {
    const values = [...families, ...allEnrichmentLabels, ...hypothesisCategories, ...reasonCodeNames, ...classifications, ...decisionLabels];
    const missing = values.filter((v) => !doc.includes(`\`${v}\``));
    expect(missing).toEqual([]);
    for (const b of blockers) expect(doc).toContain(`| \`${b}\` |`);
  });

  it("accepts job exit labels and rejects invented ones", () => {
    expect(isEnrichmentLabel("job_failed_exit_137")).toBe(true);
    expect(isEnrichmentLabel("suspected_oom_crash")).toBe(true);
    expect(isEnrichmentLabel("job_failed_exit_x")).toBe(false);
    expect(isEnrichmentLabel("suspected_gremlins")).toBe(false);
  });
});
