import { kubectl, nsFlag, placeholder, promql } from "../commands";
import { type Features, stat } from "../features";
import { podSelector, withMatcher } from "../promql";
import type { Target } from "../report";
import { formatCores, formatPercent } from "../units";
import { type Finding, findingsModule } from "./findings";
import type { MetricQuery } from "./types";

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

function findings(f: Features): Finding[] {
  const t = f.target;
  const ns = nsFlag(t.namespace);
  const throttle = stat(f, "throttle_ratio");
  const usage = stat(f, "cpu_usage");
  const limit = f.cpuLimitCores ?? stat(f, "cpu_limit")?.last ?? null;
  const resources = kubectl`${ns}get pod ${t.pod ?? placeholder("pod")} -o jsonpath='{.spec.containers[*].resources}'`;
  if (f.container && !f.container.limits.cpu && !stat(f, "cpu_limit")) {
    return [
      {
        label: "suspected_missing_cpu_limit",
        category: "cpu_limit",
        title: "No CPU limit in the container spec: the throttling limit comes from elsewhere",
        confidence: 80,
        why: [`container ${f.container.name} declares no CPU limit in its spec; throttling comes from a LimitRange default or another container`],
        steps: [kubectl`${ns}get limitrange -o yaml`, resources],
      },
    ];
  }
  if (!usage || !limit) return [];
  const ratio = usage.max / limit;
  const why = [
    `CPU usage peak ${formatCores(usage.max)}, average ${formatCores(usage.avg)}, limit ${formatCores(limit)} (${formatPercent(ratio)} at peak)`,
    ...(throttle ? [`throttled ${formatPercent(throttle.max)} of CFS periods at worst`] : []),
  ];
  if (ratio >= 0.8) {
    return [{ label: "suspected_cpu_limit_too_low", category: "cpu_limit", title: "CPU limit too low for the load", confidence: 80, why, steps: [promql(queries(t)[1]?.query ?? ""), resources] }];
  }
  if (throttle && throttle.max >= 0.1) {
    return [
      {
        label: "suspected_cfs_throttle_but_usage_low",
        category: "cpu_limit",
        title: "Short CPU bursts exhaust the CFS quota while average usage is low",
        confidence: 80,
        why: [...why, "average usage is well below the limit: short bursts exhaust the 100 ms CFS quota"],
        counter: [`usage peaked at ${formatPercent(ratio)} of the limit: the limit is not too low on average`],
        steps: [promql(queries(t)[0]?.query ?? ""), resources],
      },
    ];
  }
  return [];
}

export const cpuThrottling = findingsModule({
  family: "cpu_throttling",
  needs: { k8s: "pod", logs: false },
  queries,
  findings,
  unknowns: () => ["CPU usage against the CPU limit, and the throttled share of CFS periods"],
});
