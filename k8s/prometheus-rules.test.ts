import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { K8S_DIR, findObject } from "./tests/read-manifests";
import { headingAnchors } from "@/test/helpers/markdown";

// promtool comes with Debian's `prometheus` package (apt-get install -y prometheus).
const UNIT_TESTS = path.join(K8S_DIR, "tests", "tarka-rules.test.yml");
const ALERTS_DOC = path.resolve(K8S_DIR, "..", "docs", "alerts.md");

type Rule = { alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> };
type RuleSpec = { groups: { name: string; rules: Rule[] }[] };

let dir: string;
const spec = () => findObject("PrometheusRule", "tarka").spec as RuleSpec;
const rules = () => spec().groups.flatMap((g) => g.rules);

function promtool(args: string[], cwd: string) {
  const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  if (r.error) throw r.error;
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("k8s/prometheus-rules.yaml", () => {
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-rules-"));
    fs.writeFileSync(path.join(dir, "tarka-rules.yml"), stringify(spec()));
    fs.copyFileSync(UNIT_TESTS, path.join(dir, "tarka-rules.test.yml"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("has the alerts the operations guide promises", () => {
    const names = rules().map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const required of [
      "TarkaQueueBacklogGrowing",
      "TarkaDLQNotEmpty",
      "TarkaInvestigationFailureRate",
      "TarkaInvestigationLatencyP95High",
      "TarkaWebhook5xx",
      "TarkaWorkerDown",
    ]) {
      expect(names).toContain(required);
    }
  });

  it("passes promtool check rules", () => {
    const r = promtool(["check", "rules", "tarka-rules.yml"], dir);
    expect(r.out).toContain(`SUCCESS: ${rules().length} rules found`);
    expect(r.code).toBe(0);
  });

  it("passes its promtool unit tests", () => {
    const r = promtool(["test", "rules", "tarka-rules.test.yml"], dir);
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  it("unit tests catch a wrong expectation", () => {
    const text = fs.readFileSync(UNIT_TESTS, "utf8").replace('summary: "2 alert jobs', 'summary: "3 alert jobs');
    fs.writeFileSync(path.join(dir, "broken.test.yml"), text);
    const r = promtool(["test", "rules", "broken.test.yml"], dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("TarkaDLQNotEmpty");
  });

  it("every alert links to its own section of docs/alerts.md", () => {
    const anchors = headingAnchors(fs.readFileSync(ALERTS_DOC, "utf8"));
    for (const rule of rules()) {
      const url = new URL(rule.annotations.runbook_url);
      expect(url.pathname, rule.alert).toMatch(/\/docs\/alerts\.md$/);
      expect(url.hash, rule.alert).toBe(`#${rule.alert.toLowerCase()}`);
      expect(anchors.has(rule.alert.toLowerCase()), `docs/alerts.md has no "## ${rule.alert}" section`).toBe(true);
    }
  });

  it("each docs/alerts.md section says what it means, how to check and how to fix", () => {
    const doc = fs.readFileSync(ALERTS_DOC, "utf8");
    for (const rule of rules()) {
      const start = doc.indexOf(`## ${rule.alert}\n`);
      expect(start, rule.alert).toBeGreaterThanOrEqual(0);
      const next = doc.indexOf("\n## ", start + 3);
      const section = doc.slice(start, next === -1 ? undefined : next);
      for (const part of ["**Meaning**", "**Check**", "**Fix**"]) expect(section, `${rule.alert} ${part}`).toContain(part);
    }
  });
});
