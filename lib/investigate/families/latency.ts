import type { NormalizedAlert } from "@/lib/alerts/schema";
import { type Features, stat } from "../features";
import type { Target } from "../report";
import { reason } from "../scores";
import { type Finding, findingsModule } from "./findings";
import { databaseQuery, dependencyFailure, rolloutRegression, saturation, saturationQueries, slowDatabase } from "./service-causes";
import { alertExprQuery, requestRateQuery, serviceSelector } from "./service-signals";
import { formatSeconds } from "./trend";
import type { MetricQuery } from "./types";

function byPod(t: Target): MetricQuery {
  return { id: "p95_by_pod", title: "p95 latency by pod", unit: "s", query: `histogram_quantile(0.95, sum by (pod, le) (rate(http_request_duration_seconds_bucket${serviceSelector(t)}[5m])))` };
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  return [
    ...alertExprQuery(alert),
    { id: "p95", title: "p95 latency", unit: "s", query: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${serviceSelector(t)}[5m])))`, threshold: 0.5 },
    requestRateQuery(t),
    byPod(t),
    ...saturationQueries(t),
    ...databaseQuery(t),
  ];
}

function findings(f: Features): Finding[] {
  const all = queries(f.target, f.alert);
  const out = [
    rolloutRegression(f, { byPod: byPod(f.target), what: "p95 latency", format: formatSeconds, worse: (fresh, old) => fresh >= 2 * old && fresh > 0 }),
    slowDatabase(f, all),
    dependencyFailure(f, { label: "suspected_dependency_latency", category: "dependency_latency", categories: ["dependency_unavailable", "dependency_latency", "network"] }),
    saturation(f, all),
  ];
  return out.filter((x): x is Finding => x !== null);
}

export const latency = findingsModule({
  family: "latency",
  needs: { k8s: "none", logs: true, resolve: true },
  queries,
  findings,
  unknowns: () => ["whether a rollout, an upstream, saturation or the database made requests slower: no signal stood out"],
  reasons(f: Features) {
    const p95 = stat(f, "p95");
    return p95 && p95.last >= 0.5 ? [reason("latency_high", 10, `p95 latency ${formatSeconds(p95.last)}`)] : [];
  },
});
