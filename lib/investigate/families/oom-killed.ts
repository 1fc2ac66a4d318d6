import { kubectl, nsFlag, placeholder, promql, sh } from "../commands";
import { type Features, formatBytes, hasEvent, stat } from "../features";
import { podSelector, withMatcher } from "../promql";
import type { Target } from "../report";
import { reason } from "../scores";
import { formatPercent } from "../units";
import { type Finding, findingsModule } from "./findings";
import { previousLogsStep } from "./shared";
import { trendOf } from "./trend";
import type { MetricQuery } from "./types";

function queries(t: Target): MetricQuery[] {
  if (!t.namespace || (!t.pod && !t.workload)) return [];
  const sel = podSelector(t);
  const ws = t.container ? sel : withMatcher(sel, 'container!=""');
  return [
    { id: "memory_working_set", title: "Memory working set", unit: "bytes", query: `max(container_memory_working_set_bytes${ws})` },
    { id: "memory_limit", title: "Memory limit", unit: "bytes", query: `max(kube_pod_container_resource_limits${withMatcher(sel, 'resource="memory"')})` },
    { id: "oom_events", title: "OOM kills", unit: "kills", query: `sum(increase(container_oom_events_total${ws}[10m]))` },
  ];
}

function limitOf(f: Features): number | null {
  return f.memoryLimitBytes ?? stat(f, "memory_limit")?.last ?? null;
}

function diagnose(f: Features): Finding | null {
  const t = f.target;
  const ns = nsFlag(t.namespace);
  const nodeName = f.evidence.k8s.pod?.nodeName ?? t.node;
  const systemOom = hasEvent(f, "SystemOOM", "Evicted", "OOMKilling");
  if (f.nodeConditions.includes("MemoryPressure") || systemOom) {
    return {
      label: "suspected_node_pressure",
      category: "node_pressure",
      title: "The node ran out of memory and the kernel or kubelet killed pods",
      confidence: 80,
      why: [...(f.nodeConditions.includes("MemoryPressure") ? [`node ${nodeName} reports MemoryPressure`] : []), ...(systemOom ? [`event ${systemOom.reason}: ${systemOom.message}`] : [])],
      steps: [kubectl`describe node ${nodeName ?? placeholder("node")}`, kubectl`top pods -A --sort-by=memory | head -20`, promql(`node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes`)],
    };
  }
  const ws = stat(f, "memory_working_set");
  const limit = limitOf(f);
  const oomEvidence = f.lastTerminatedReason === "OOMKilled" || (stat(f, "oom_events")?.max ?? 0) > 0;
  if (ws && limit && ws.max > 0) {
    const why = [`working set ${formatBytes(ws.first)} → peak ${formatBytes(ws.max)} against a ${formatBytes(limit)} limit (${formatPercent(ws.max / limit)})`];
    // The shape decides, not the latest value: a steady climb is a leak; a flat level near the limit, or one jump to it, is a limit too low for the load.
    const shape = trendOf(f, "memory_working_set");
    if (shape && (shape.rising || shape.growth >= 1.3) && shape.max >= 1.3 * shape.min && shape.jumpShare < 0.7) {
      return {
        label: "suspected_memory_leak_or_spike",
        category: "memory_leak",
        title: "Memory grows steadily until the limit: a leak or unbounded growth",
        confidence: 80,
        why: [...why, `usage climbed gradually inside the window (${formatBytes(shape.min)} → ${formatBytes(shape.max)}; no single step made more than ${formatPercent(shape.jumpShare)} of the rise)`],
        steps: [promql(queries(t)[0]?.query ?? ""), ...previousLogsStep(f), kubectl`${ns}top pod${t.pod ? sh` ${t.pod}` : null}`],
      };
    }
    // Far below the limit and no OOM kill seen: nothing here says the limit is too low.
    if (!oomEvidence && ws.max / limit < 0.9 && ws.avg / limit < 0.8) return null;
    const jumped = shape && shape.jumpShare >= 0.7 && shape.max - shape.min > 0.2 * limit;
    return {
      label: "suspected_oom_limit_too_low",
      category: "oom",
      title: "Memory limit too low for the workload's normal usage",
      confidence: 80,
      why: [
        ...why,
        jumped
          ? `usage jumped to the limit in one step (${formatPercent(shape.jumpShare)} of the rise at once), as at start-up or under a burst of load, rather than leaking`
          : `usage sits near the limit on average (${formatPercent(ws.avg / limit)})`,
      ],
      steps: [promql(`quantile_over_time(0.99, container_memory_working_set_bytes${podSelector(t)}[7d])`), kubectl`${ns}get pod ${t.pod ?? placeholder("pod")} -o jsonpath='{.spec.containers[*].resources}'`],
    };
  }
  if (oomEvidence) {
    return {
      label: "suspected_oom_limit_too_low",
      category: "oom",
      title: "Memory limit too low for the workload's normal usage",
      confidence: 80,
      why: [`container ${f.container?.name ?? "?"} was OOMKilled${limit ? ` with a ${formatBytes(limit)} limit` : ""}; usage history unknown`],
      steps: [...queries(t).map((q) => promql(q.query)), ...previousLogsStep(f)],
    };
  }
  return null;
}

export const oomKilled = findingsModule({
  family: "oom_killed",
  needs: { k8s: "pod", logs: false },
  queries,
  findings: (f) => {
    const d = diagnose(f);
    return d ? [d] : [];
  },
  unknowns: () => ["memory usage against the limit over the window, and whether the node was under pressure"],
  logConfidence: 40,
  reasons(f: Features) {
    const ws = stat(f, "memory_working_set");
    const limit = limitOf(f);
    return ws && limit && ws.last / limit >= 0.9
      ? [reason("resource_nearly_exhausted", 10, `working set at ${Math.round((ws.last / limit) * 100)}% of the memory limit`)]
      : [];
  },
});
