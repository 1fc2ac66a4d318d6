import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { createMetrics } from "@/lib/metrics";

const DASHBOARD = path.join(import.meta.dirname, "tarka.json");
/** Labels Prometheus adds when it scrapes a pod, next to the ones lib/metrics.ts declares. */
const TARGET_LABELS = ["namespace", "pod", "instance", "job"];

type Target = { expr: string; datasource: { type: string; uid: string }; refId: string };
type Panel = { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: Target[]; panels?: Panel[]; datasource?: { uid: string } };
type Dashboard = {
  __inputs: { name: string; type: string; pluginId: string }[];
  templating: { list: { name: string; type: string; query: unknown; current?: { value: string } }[] };
  panels: Panel[];
  uid: string;
  title: string;
};

const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, "utf8")) as Dashboard;
const allPanels = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const queryPanels = () => allPanels(dashboard.panels).filter((p) => p.type !== "row");
const exprs = () => queryPanels().flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** Every series name lib/metrics.ts exposes, with the labels each one carries. */
async function knownSeries(): Promise<Map<string, Set<string>>> {
  const metrics = createMetrics();
  const series = new Map<string, Set<string>>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    const declared = (metrics.registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] }).labelNames ?? [];
    const labels = new Set([...declared, ...TARGET_LABELS]);
    if (String(m.type) === "histogram") {
      series.set(`${m.name}_bucket`, new Set([...labels, "le"]));
      series.set(`${m.name}_sum`, labels);
      series.set(`${m.name}_count`, labels);
    } else {
      series.set(m.name, labels);
    }
  }
  return series;
}

/** Grafana's variables replaced by values Prometheus accepts, so promtool can parse the query. */
const forPromtool = (expr: string) => expr.replaceAll("$__rate_interval", "5m").replaceAll("$namespace", ".*");

describe("docs/grafana/tarka.json", () => {
  it("is an importable dashboard with a Prometheus datasource input and variable", () => {
    expect(dashboard.title).toBe("Tarka");
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" })]);
    const ds = dashboard.templating.list.find((v) => v.name === "datasource");
    expect(ds).toMatchObject({ type: "datasource", query: "prometheus", current: { value: "${DS_PROMETHEUS}" } });
    for (const p of queryPanels()) {
      expect(p.datasource?.uid, p.title).toBe("${datasource}");
      for (const t of p.targets ?? []) expect(t.datasource.uid, p.title).toBe("${datasource}");
    }
  });

  it("has unique panel ids and a layout inside Grafana's 24 columns", () => {
    const ids = allPanels(dashboard.panels).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of allPanels(dashboard.panels)) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.gridPos.h, p.title).toBeGreaterThan(0);
    }
  });

  it("covers what operators watch", () => {
    const uses = (metric: string) => exprs().some((e) => e.expr.includes(metric));
    for (const metric of [
      "tarka_alerts_received_total",
      "tarka_enqueue_duration_seconds_bucket",
      "tarka_investigation_duration_seconds_bucket",
      "tarka_queue_backlog",
      "tarka_webhook_requests_total",
      "tarka_dlq_depth",
      "tarka_dlq_messages_total",
      "tarka_dedupe_hits_total",
      "tarka_provider_call_duration_seconds_bucket",
      "tarka_provider_errors_total",
    ]) {
      expect(uses(metric), metric).toBe(true);
    }
    const latency = exprs().filter((e) => e.expr.includes("tarka_enqueue_duration_seconds_bucket")).map((e) => e.expr);
    for (const q of ["0.5", "0.95", "0.99"]) expect(latency.some((e) => e.startsWith(`histogram_quantile(${q},`)), q).toBe(true);
    expect(exprs().some((e) => /tarka_investigations_total.*by \(classification\)|by \(classification\).*tarka_investigations_total/.test(e.expr))).toBe(true);
  });

  it("queries only metrics and labels that lib/metrics.ts defines", async () => {
    const series = await knownSeries();
    expect(series.has("tarka_investigation_duration_seconds_bucket")).toBe(true);
    const problems: string[] = [];
    for (const { panel, expr } of exprs()) {
      const names = expr.match(/\btarka_[a-z0-9_]+\b/g) ?? [];
      if (names.length === 0) problems.push(`${panel}: no tarka_ metric in ${expr}`);
      for (const name of names) {
        const labels = series.get(name);
        if (!labels) {
          problems.push(`${panel}: unknown metric ${name}`);
          continue;
        }
        for (const m of expr.matchAll(/\bby \(([^)]*)\)/g)) {
          for (const label of m[1].split(",").map((s) => s.trim())) {
            if (!labels.has(label)) problems.push(`${panel}: ${name} has no label ${label}`);
          }
        }
        for (const m of expr.matchAll(/[{,]\s*([a-z_]+)\s*=~?/g)) {
          if (!labels.has(m[1])) problems.push(`${panel}: ${name} has no label ${m[1]}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("every query is valid PromQL (promtool)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-dashboard-"));
    try {
      const rules = exprs().map((e, i) => ({ record: `tarka_dashboard:query:${i}`, expr: forPromtool(e.expr) }));
      fs.writeFileSync(path.join(dir, "queries.yml"), stringify({ groups: [{ name: "dashboard", rules }] }));
      const r = spawnSync("promtool", ["check", "rules", "queries.yml"], { cwd: dir, encoding: "utf8" });
      expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
