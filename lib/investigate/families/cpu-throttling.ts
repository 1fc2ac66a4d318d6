import { kubectl, nsFlag, placeholder, promql } from "../commands";
import { type Features, stat } from "../features";
import { podSelector, withMatcher } from "../promql";
import type { Target } from "../report";
import { hypothesis, unknownEnrichment, unknownHypothesis } from "./shared";
import type { EnrichmentDraft, FamilyModule, MetricQuery } from "./types";

function queries(t: Target): MetricQuery[] {
  if (!t.namespace) return [];
  const sel = withMatcher(podSelector(t), 'container!=""');
  return [
    {
      id: "throttle_ratio",
      title: "CFS throttled periods",
      unit: "ratio",
      query: `sum(increase(container_cpu_cfs_throttled_periods_total${sel}[5m])) / sum(increase(container_cpu_cfs_periods_total${sel}[5m]))`,
      threshold: 0.25,
    },
    { id: "cpu_usage", title: "CPU usage", unit: "cores", query: `sum(rate(container_cpu_usage_seconds_total${sel}[5m]))` },
    { id: "cpu_limit", title: "CPU limit", unit: "cores", query: `sum(kube_pod_container_resource_limits${withMatcher(podSelector(t), 'resource="cpu"')})` },
  ];
}

function diagnose(f: Features): EnrichmentDraft | null {
  const t = f.target;
  const ns = nsFlag(t.namespace);
  const throttle = stat(f, "throttle_ratio");
  const usage = stat(f, "cpu_usage");
  const limit = f.cpuLimitCores ?? stat(f, "cpu_limit")?.last ?? null;
  const resources = kubectl`${ns}get pod ${t.pod ?? placeholder("pod")} -o jsonpath='{.spec.containers[*].resources}'`;
  if (f.container && !f.container.limits.cpu && !stat(f, "cpu_limit")) {
    return {
      label: "suspected_missing_cpu_limit",
      why: [`container ${f.container.name} declares no CPU limit in its spec; throttling comes from a LimitRange default or another container`],
      steps: [kubectl`${ns}get limitrange -o yaml`, resources],
    };
  }
  if (!usage || !limit) return null;
  const ratio = usage.max / limit;
  const why = [
    `CPU usage peak ${usage.max.toFixed(2)} cores, average ${usage.avg.toFixed(2)}, limit ${limit} cores (${Math.round(ratio * 100)}% at peak)`,
    ...(throttle ? [`throttled ${Math.round(throttle.max * 100)}% of CFS periods at worst`] : []),
  ];
  if (ratio >= 0.8) return { label: "suspected_cpu_limit_too_low", why, steps: [promql(queries(t)[1]?.query ?? ""), resources] };
  if (throttle && throttle.max >= 0.1) {
    return {
      label: "suspected_cfs_throttle_but_usage_low",
      why: [...why, "average usage is well below the limit: short bursts exhaust the 100 ms CFS quota"],
      steps: [promql(queries(t)[0]?.query ?? ""), resources],
    };
  }
  return null;
}

export const cpuThrottling: FamilyModule = {
  family: "cpu_throttling",
  needs: { k8s: "pod", logs: false },
  queries,
  enrich: (f) => diagnose(f) ?? unknownEnrichment(f, queries(f.target), ["CPU usage against the CPU limit, and the throttled share of CFS periods"]),
  hypotheses(f: Features) {
    const d = diagnose(f);
    if (!d) return [unknownHypothesis(f, "CPU usage and limit unknown")];
    return [hypothesis({ id: d.label, category: "cpu_limit", title: d.label.replace(/^suspected_/, "").replace(/_/g, " "), confidence: 80, why: d.why, nextTests: d.steps.map((s) => s.text) })];
  },
};
