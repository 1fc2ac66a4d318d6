import { kubectl, nsFlag, placeholder, promql, sh } from "../commands";
import { type Features, formatBytes, hasEvent, stat } from "../features";
import { podSelector, selector, withMatcher } from "../promql";
import type { Target } from "../report";
import { reason } from "../scores";
import { type Finding, findingsModule } from "./findings";
import { previousLogsStep } from "./shared";
import { formatSeconds, trendOf } from "./trend";
import type { MetricQuery } from "./types";

function queries(t: Target): MetricQuery[] {
  const nodePressure = (sel: string): MetricQuery => ({ id: "node_memory_pressure", title: "MemoryPressure condition of the node", unit: "bool", query: sel });
  if (!t.namespace || (!t.pod && !t.workload)) {
    return t.node ? [nodePressure(`max(kube_node_status_condition${selector({ node: t.node, condition: "MemoryPressure", status: "true" })})`)] : [];
  }
  const sel = podSelector(t);
  const ws = t.container ? sel : withMatcher(sel, 'container!=""');
  return [
    { id: "memory_working_set", title: "Memory working set", unit: "bytes", query: `max(container_memory_working_set_bytes${ws})` },
    { id: "memory_limit", title: "Memory limit", unit: "bytes", query: `max(kube_pod_container_resource_limits${withMatcher(sel, 'resource="memory"')})` },
    // kube_pod_info carries the pod's node, so the node condition can be read without knowing the node up front.
    nodePressure(`max(kube_node_status_condition{condition="MemoryPressure",status="true"} * on (node) max by (node) (kube_pod_info${podSelector(t, { container: false })}))`),
    { id: "evicted_pods", title: `Evicted pods in ${t.namespace}`, unit: "pods", query: `sum(kube_pod_status_reason${selector({ namespace: t.namespace, reason: "Evicted" })})` },
  ];
}

function limitOf(f: Features): number | null {
  return f.memoryLimitBytes ?? stat(f, "memory_limit")?.last ?? null;
}

function nodeFinding(f: Features): Finding | null {
  const t = f.target;
  const nodeName = f.evidence.k8s.pod?.nodeName ?? f.evidence.k8s.node?.name ?? t.node;
  const why: string[] = [];
  if (f.nodeConditions.includes("MemoryPressure")) why.push(`node ${nodeName} reports MemoryPressure=True`);
  if ((stat(f, "node_memory_pressure")?.max ?? 0) > 0) why.push(`kube_node_status_condition shows MemoryPressure on the pod's node inside the window`);
  const event = hasEvent(f, "Evicted", "EvictionThresholdMet", "SystemOOM", "Evicting");
  if (event) why.push(`event ${event.reason} ×${event.count}: ${event.message.slice(0, 200)}`);
  if (f.evidence.k8s.pod?.reason === "Evicted") why.push(`pod ${f.evidence.k8s.pod.name} was Evicted`);
  const evicted = stat(f, "evicted_pods");
  if (evicted && evicted.max > 0) why.push(`${Math.round(evicted.max)} evicted pod(s) in namespace ${t.namespace}`);
  if (why.length === 0) return null;
  return {
    label: "suspected_node_pressure_or_eviction",
    category: "node_pressure",
    title: `${nodeName ? `Node ${nodeName}` : "The node"} is short of memory and evicts pods`,
    confidence: why.length >= 2 ? 85 : 75,
    why,
    steps: [
      kubectl`describe node ${nodeName ?? placeholder("node")}`,
      ...(t.namespace ? [kubectl`-n ${t.namespace} get pods --field-selector=status.phase=Failed -o wide`] : []),
      kubectl`top pods -A --sort-by=memory`,
      promql(`node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes`),
    ],
  };
}

function usageFindings(f: Features): Finding[] {
  const t = f.target;
  const ws = trendOf(f, "memory_working_set");
  if (!ws || ws.max <= 0) return [];
  const limit = limitOf(f);
  const ns = nsFlag(t.namespace);
  const usage = `working set ${formatBytes(ws.first)} → ${formatBytes(ws.last)} (peak ${formatBytes(ws.max)})${limit ? ` against a ${formatBytes(limit)} limit` : ", no memory limit known"}`;
  const wsQuery = queries(t)[0]?.query ?? "";
  const out: Finding[] = [];
  const grew = ws.max - ws.min >= 0.2 * ws.min;
  if (grew && ws.jumpShare >= 0.5) {
    out.push({
      label: "suspected_memory_leak_or_spike",
      category: "memory_leak",
      title: "Sudden memory jump (spike), not gradual growth",
      confidence: 75,
      why: [usage, `one step accounts for ${Math.round(ws.jumpShare * 100)}% of the window's range: a burst (large request, batch, cache load), not a slow leak`],
      steps: [promql(wsQuery), ...previousLogsStep(f), kubectl`${ns}get events --sort-by=.lastTimestamp`],
    });
  } else if (grew && ws.rising && ws.growth >= 1.2) {
    const eta = limit && ws.perHour > 0 && ws.last < limit ? (limit - ws.last) / ws.perHour : null;
    out.push({
      label: "suspected_memory_leak_or_spike",
      category: "memory_leak",
      title: "Memory grows steadily (likely a leak)",
      confidence: 75,
      why: [
        usage,
        `steady growth of ${formatBytes(ws.perHour)}/h across the window (${ws.growth.toFixed(1)}× from the first to the last third), no single jump`,
        ...(eta === null ? [] : [`at this rate the container reaches its limit in about ${formatSeconds(eta * 3600)}`]),
      ],
      steps: [promql(`deriv(container_memory_working_set_bytes${podSelector(t)}[1h])`), promql(wsQuery), kubectl`${ns}top pod${t.pod ? sh` ${t.pod}` : null}`],
    });
  }
  if (limit && ws.last / limit >= 0.85) {
    out.push({
      label: "suspected_container_near_limit",
      category: "oom",
      title: "Container runs near its memory limit: the next burst is an OOM kill",
      // A leak or spike explains why it is near the limit; near-limit alone means the limit is too small.
      confidence: out.length ? 60 : 75,
      why: [usage, `${Math.round((ws.last / limit) * 100)}% of the limit now, ${Math.round((ws.avg / limit) * 100)}% on average over the window`],
      steps: [
        promql(`quantile_over_time(0.99, container_memory_working_set_bytes${podSelector(t)}[7d])`),
        kubectl`${ns}get pod ${t.pod ?? placeholder("pod")} -o jsonpath='{.spec.containers[*].resources}'`,
      ],
    });
  }
  return out;
}

export const memoryPressure = findingsModule({
  family: "memory_pressure",
  // "workload", not "pod": a node-level MemoryPressure alert names no pod and is not missing its target.
  needs: { k8s: "workload", logs: false },
  queries,
  findings(f) {
    const node = nodeFinding(f);
    return [...(node ? [node] : []), ...usageFindings(f)];
  },
  unknowns: (f) => [
    stat(f, "memory_working_set") ? "whether usage grows, jumps or sits near the limit (no limit known)" : "memory working set against the limit over the window",
    "whether the node was under memory pressure or evicting pods",
  ],
  reasons(f) {
    const ws = stat(f, "memory_working_set");
    const limit = limitOf(f);
    return ws && limit && ws.last / limit >= 0.9 ? [reason("resource_nearly_exhausted", 10, `working set at ${Math.round((ws.last / limit) * 100)}% of the memory limit`)] : [];
  },
});
