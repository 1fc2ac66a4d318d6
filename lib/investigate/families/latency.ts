import type { NormalizedAlert } from "@/lib/alerts/schema";
import { promql, promqlSteps } from "../commands";
import { type Features, stat } from "../features";
import { selector, withMatcher } from "../promql";
import type { Target } from "../report";
import { reason } from "../scores";
import { hypothesis, logHypotheses, unknownEnrichment, unknownHypothesis } from "./shared";
import { alertExprQuery } from "../alert-expression";
import { dependencyFinding, requestRateQuery, rolloutFinding, rolloutHypothesis, serviceSelector } from "./service-signals";
import type { EnrichmentDraft, FamilyModule, MetricQuery } from "./types";

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const sel = serviceSelector(t);
  return [
    ...alertExprQuery(alert),
    { id: "p95", title: "p95 latency", unit: "s", query: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${sel}[5m])))`, threshold: 0.5 },
    requestRateQuery(t),
    { id: "cpu_usage", title: "CPU usage", unit: "cores", query: `sum(rate(container_cpu_usage_seconds_total${withMatcher(selector({ namespace: t.namespace }), 'container!=""')}[5m]))` },
  ];
}

function saturation(f: Features): EnrichmentDraft | null {
  const rate = stat(f, "request_rate");
  const p95 = stat(f, "p95");
  if (!rate || rate.first <= 0) return null;
  const growth = rate.max / rate.first;
  if (growth < 1.8) return null;
  return {
    label: "suspected_saturation",
    why: [`request rate grew ${growth.toFixed(1)}× (${rate.first.toPrecision(3)} → ${rate.max.toPrecision(3)} req/s)`, ...(p95 ? [`p95 ${p95.first.toPrecision(3)}s → ${p95.max.toPrecision(3)}s`] : [])],
    steps: [...promqlSteps(queries(f.target, f.alert).filter((q) => q.id !== "alert_expr")), promql(`sum(kube_horizontalpodautoscaler_status_current_replicas${selector({ namespace: f.target.namespace })})`)],
  };
}

function diagnose(f: Features): EnrichmentDraft | null {
  return (
    rolloutFinding(f) ??
    dependencyFinding(f, "suspected_database_slow", ["database_slow"]) ??
    dependencyFinding(f, "suspected_dependency_latency", ["dependency_unavailable", "dependency_latency", "network"]) ??
    saturation(f)
  );
}

const categoryOf = {
  suspected_database_slow: "database_slow",
  suspected_dependency_latency: "dependency_latency",
  suspected_saturation: "saturation",
  suspected_rollout_regression: "bad_rollout",
} as const;

export const latency: FamilyModule = {
  family: "latency",
  needs: { k8s: "none", logs: true },
  queries,
  enrich: (f) =>
    diagnose(f) ??
    unknownEnrichment(f, queries(f.target, f.alert), ["whether load grew, a dependency slowed down, or the database is slow: no signal stood out"]),
  reasons(f: Features) {
    const p95 = stat(f, "p95");
    return p95 && p95.last >= 0.5 ? [reason("latency_high", 10, `p95 latency ${p95.last.toPrecision(3)}s`)] : [];
  },
  hypotheses(f: Features) {
    const out = [...rolloutHypothesis(f, "The latest rollout made requests slower"), ...logHypotheses(f, 45)];
    const d = diagnose(f);
    if (d && d.label in categoryOf) {
      const category = categoryOf[d.label as keyof typeof categoryOf];
      if (!out.some((h) => h.category === category)) {
        out.push(hypothesis({ id: d.label, category, title: d.label.replace(/^suspected_/, "").replace(/_/g, " "), confidence: 65, why: d.why }));
      }
    }
    return out.length ? out : [unknownHypothesis(f, "latency source unknown")];
  },
};
