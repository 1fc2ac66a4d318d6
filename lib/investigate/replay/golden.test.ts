import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/log";
import { fixtureIndexPath, fixtureIndexSchema, fixturesDir, goldenPaths, listFixtures } from "./fixtures";
import { parseRecording } from "./recording";
import { replayInvestigation } from "./replay-investigation";

const log = createLogger({ level: "silent" });
const index = fixtureIndexSchema.parse(JSON.parse(readFileSync(fixtureIndexPath, "utf8")));
const names = listFixtures();

describe("recorded scenarios", () => {
  it("ship at least 20 fixtures, each described in fixtures/index.json", () => {
    expect(names.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(index).sort()).toEqual(names);
  });

  it("cover the families and the blocked cases", () => {
    const covered = new Set(Object.values(index).map((e) => e.family));
    for (const family of [
      "crashloop",
      "pod_not_healthy",
      "oom_killed",
      "cpu_throttling",
      "http_5xx",
      "latency",
      "target_down",
      "job_failed",
      "k8s_rollout_health",
      "node_health",
      "volume_filling",
      "meta",
      "generic",
    ] as const) {
      expect(covered, family).toContain(family);
    }
    const recordings = names.map((n) => parseRecording(readFileSync(join(fixturesDir, `${n}.json`), "utf8"), n));
    const failed = recordings.flatMap((r) => r.calls.filter((c) => "error" in c || "timedOut" in c).map((c) => c.provider));
    expect(new Set(failed)).toEqual(new Set(["metrics", "kubernetes"]));
    // The logs provider reports an unreachable backend as an answer, not by throwing.
    const logsDown = recordings.flatMap((r) => r.calls.filter((c) => c.provider === "logs" && "result" in c && (c.result as { status?: string }).status === "unavailable"));
    expect(logsDown.length).toBeGreaterThan(0);
  });
});

describe.each(names)("replay of fixtures/%s.json", (name) => {
  it("prints the golden markdown and JSON byte for byte, with the recorded intent", async () => {
    const file = join(fixturesDir, `${name}.json`);
    const recording = parseRecording(readFileSync(file, "utf8"), file);
    const report = await replayInvestigation({ ctx: { log }, input: { recording, source: file } });
    const golden = goldenPaths(name);
    expect(report.markdown).toBe(readFileSync(golden.markdown, "utf8"));
    expect(`${JSON.stringify(report.json, null, 2)}\n`).toBe(readFileSync(golden.json, "utf8"));
    expect({
      family: report.json.family,
      label: report.json.analysis.enrichment.label,
      classification: report.json.analysis.verdict.classification,
    }).toEqual({ family: index[name]?.family, label: index[name]?.label, classification: index[name]?.classification });
  });
});
