import type { NormalizedAlert } from "@/lib/alerts/schema";
import { type Features, logMatch, stat } from "../features";
import type { Target } from "../report";
import { reason } from "../scores";
import { type Finding, findingsModule } from "./findings";
import { databaseQuery, dependencyFailure, rolloutRegression, saturation, saturationQueries, slowDatabase } from "./service-causes";
import { alertExprQuery, requestRateQuery, seriesLine, serviceSelector } from "./service-signals";
import { noPatternInLogs } from "./shared";
import type { MetricQuery } from "./types";

function errorSelector(t: Target): string {
  const sel = serviceSelector(t);
  return sel === "{}" ? '{code=~"5.."}' : `${sel.slice(0, -1)},code=~"5.."}`;
}

function byPod(t: Target): MetricQuery {
  return { id: "errors_by_pod", title: "5xx per second by pod", unit: "req/s", query: `sum by (pod) (rate(http_requests_total${errorSelector(t)}[5m]))` };
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  return [
    ...alertExprQuery(alert),
    { id: "error_ratio", title: "5xx share of requests", unit: "ratio", query: `sum(rate(http_requests_total${errorSelector(t)}[5m])) / sum(rate(http_requests_total${serviceSelector(t)}[5m]))`, threshold: 0.05 },
    requestRateQuery(t),
    byPod(t),
    ...saturationQueries(t),
    ...databaseQuery(t),
  ];
}

function appErrors(f: Features): Finding | null {
  const m = logMatch(f, "app_crash", "config_error", "permission_error", "oom", "bad_rollout", "disk_full", "cert_expiry");
  const pod = f.evidence.k8s.pod;
  const why: string[] = [];
  if (m) why.push(`logs: ${m.title}${m.detail ? ` (${m.detail})` : ""} ×${m.count}: "${m.sample.slice(0, 160)}"`);
  if (pod && (f.restarts > 0 || f.ready === false)) why.push(`serving pod ${pod.name} ${f.ready === false ? "is not ready" : "is ready"} with ${f.restarts} restart(s)`);
  if (!why.length) return null;
  return {
    label: m?.category === "cert_expiry" ? "suspected_infra_network" : "suspected_app_errors",
    category: m?.category ?? "app_crash",
    title: "The service's own code or configuration fails",
    confidence: m ? 60 : 45,
    why,
    counter: m ? [] : [noPatternInLogs(f)],
    steps: queries(f.target, f.alert).filter((q) => q.id === "errors_by_pod").map((q) => ({ kind: "promql" as const, text: q.query })),
  };
}

function findings(f: Features): Finding[] {
  const all = queries(f.target, f.alert);
  const out = [
    rolloutRegression(f, { byPod: byPod(f.target), what: "5xx", format: (v) => `${v.toPrecision(3)}/s`, worse: (fresh, old) => fresh > 0 && old <= 0.2 * fresh }),
    dependencyFailure(f, { label: "suspected_dependency_failure", category: "dependency_unavailable", categories: ["dependency_unavailable", "dependency_latency"] }),
    dependencyFailure(f, { label: "suspected_infra_network", category: "network", categories: ["network"] }),
    saturation(f, all),
    slowDatabase(f, all),
    appErrors(f),
  ];
  return out.filter((x): x is Finding => x !== null);
}

export const http5xx = findingsModule({
  family: "http_5xx",
  needs: { k8s: "none", logs: true, resolve: true },
  queries,
  findings,
  unknowns: (f) => [
    seriesLine(f, "error_ratio") ?? "the 5xx share over the window",
    "which upstream or code path returns the errors: no rollout in the window, no failing upstream, no saturation and no known pattern in the logs",
  ],
  reasons(f: Features) {
    const ratio = stat(f, "error_ratio");
    return ratio && ratio.last >= 0.05 ? [reason("user_facing_errors", 15, `${(ratio.last * 100).toFixed(1)}% of requests fail with 5xx`)] : [];
  },
});
