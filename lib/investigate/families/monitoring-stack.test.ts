import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { familyOf } from "@/lib/alerts/family";
import { alertOf } from "@/test/helpers/engine-providers";
import { loadAlertRules, rulesDir } from "@/test/helpers/kube-prometheus-rules";
import { targetOf } from "../target";
import { familyModule } from ".";

/**
 * Every alert of kube-prometheus' monitoring-stack rule groups (and any other rule routed to
 * observability_pipeline) must make the family query a series the rule itself is written on, so the
 * report shows the counter the runbook starts from rather than only the family's general checks.
 */
const monitoringGroups = new Set(["alertmanager.rules", "GrafanaAlerts", "kube-state-metrics", "prometheus", "prometheus-operator", "config-reloaders"]);

type RuleFile = { spec: { groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string }> }> } };

const docs = readdirSync(rulesDir)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => parse(readFileSync(path.join(rulesDir, f), "utf8")) as RuleFile);
const analysed = loadAlertRules();
const rules = docs.flatMap((d) =>
  d.spec.groups.flatMap((g) => g.rules.filter((r) => r.alert && (monitoringGroups.has(g.name) || familyOf(r.alert) === "observability_pipeline")).map((r) => ({ group: g.name, alert: r.alert as string, expr: r.expr }))),
);

/** Metric names a PromQL text selects by name, and the `__name__=~` patterns it selects by. */
function selected(promql: string): { names: Set<string>; patterns: RegExp[] } {
  const names = new Set([...promql.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((m) => m[1] as string));
  const patterns = [...promql.matchAll(/__name__=~"([^"]+)"/g)].map((m) => new RegExp(`^(?:${m[1]})$`));
  return { names, patterns };
}

/** A recorded series (`level:metric:operation`) stands for the raw metric it is computed from. */
function rawMetric(name: string): string {
  const parts = name.split(":");
  return parts.length === 3 ? (parts[1] as string) : name;
}

describe("monitoring-stack alerts get the evidence their rule is written on", () => {
  it("reads the monitoring-stack rules", () => {
    expect(rules.length).toBeGreaterThanOrEqual(45);
  });

  it.each(rules.map((r) => [r.alert, r.group, r]))("%s (%s)", (_alert, _group, r) => {
    const labelNames = analysed.find((a) => a.alert === r.alert && a.expr === r.expr)?.labelNames ?? new Set<string>();
    const alert = alertOf({ alertname: r.alert, ...Object.fromEntries([...labelNames].map((l) => [l, `${l}-1`])) });
    const queries = familyModule("observability_pipeline")
      .queries(targetOf(alert, "observability_pipeline"), alert)
      .filter((q) => q.id !== "alert_expr" && !q.notRun);
    const wanted = [...selected(r.expr).names].map(rawMetric);
    const asked = queries.map((q) => selected(q.query));
    const covered = wanted.filter((m) => asked.some((a) => a.names.has(m) || a.patterns.some((p) => p.test(m))));
    expect(covered, `${r.alert} reads ${wanted.join(", ")}; the family asks ${queries.map((q) => q.id).join(", ")}`).not.toEqual([]);
  });
});
