import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, promql, sh, text, workloadRef } from "../commands";
import { type Features, stat } from "../features";
import { podSelector, selector, withMatcher } from "../promql";
import type { Target } from "../report";
import { formatPercent, formatResource, parseQuantity } from "../units";
import { type Finding, findingsModule } from "./findings";
import { saturationQueries } from "./service-causes";
import type { MetricQuery } from "./types";

/**
 * Cluster and namespace capacity (kubernetes-resources and HPA rules): requests against allocatable,
 * ResourceQuotas against their hard limits, and HorizontalPodAutoscalers at their ceiling or unable
 * to scale — read from the objects themselves and from kube-state-metrics.
 */

function ns(f: Features): string | null {
  return f.alert.labels.namespace ?? f.target.namespace;
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const l = alert.labels;
  const namespace = l.namespace ?? t.namespace;
  const out: MetricQuery[] = [];
  if (l.horizontalpodautoscaler && namespace) {
    const sel = selector({ namespace, horizontalpodautoscaler: l.horizontalpodautoscaler });
    out.push(
      { id: "hpa_current", title: "HPA current replicas", unit: "replicas", query: `max(kube_horizontalpodautoscaler_status_current_replicas${sel})` },
      { id: "hpa_desired", title: "HPA desired replicas", unit: "replicas", query: `max(kube_horizontalpodautoscaler_status_desired_replicas${sel})` },
      { id: "hpa_max", title: "HPA max replicas", unit: "replicas", query: `max(kube_horizontalpodautoscaler_spec_max_replicas${sel})` },
    );
    // The scale target's pods (resolveWorkload followed scaleTargetRef): CPU against requests, which the utilisation target is computed from, and against limits.
    if (t.workload) {
      const pods = podSelector({ ...t, pod: null, container: null });
      out.push(
        {
          id: "target_cpu_of_request",
          title: "Scale target CPU used of requests",
          unit: "ratio",
          query: `sum(rate(container_cpu_usage_seconds_total${withMatcher(pods, 'container!=""')}[5m])) / sum(kube_pod_container_resource_requests${withMatcher(pods, 'resource="cpu"')})`,
        },
        ...saturationQueries({ ...t, pod: null }).filter((q) => q.id !== "hpa_at_max"),
      );
    }
  }
  if (/Quota(AlmostFull|FullyUsed|Exceeded)/.test(alert.alertname) && namespace) {
    const sel = (type: string) => selector({ namespace, resourcequota: l.resourcequota, resource: l.resource, type });
    out.push({ id: "quota_used_ratio", title: "Quota used / hard", unit: "ratio", query: `max(kube_resourcequota${sel("used")} / ignoring(type) kube_resourcequota${sel("hard")})`, threshold: 1 });
  }
  const resource = /Memory/.test(alert.alertname) ? "memory" : "cpu";
  if (/Overcommit/.test(alert.alertname)) {
    const quota = /QuotaOvercommit/.test(alert.alertname);
    out.push(
      {
        id: "overcommit_ratio",
        title: quota ? `Quota hard ${resource} / allocatable` : `Requested ${resource} / allocatable`,
        unit: "ratio",
        query: quota
          ? `sum(kube_resourcequota{type="hard",resource=~"(requests.)?${resource}"}) / sum(kube_node_status_allocatable{resource="${resource}"})`
          : `sum(kube_pod_container_resource_requests{resource="${resource}"}) / sum(kube_node_status_allocatable{resource="${resource}"})`,
        threshold: 1,
      },
      { id: "nodes_ready", title: "Ready nodes", unit: "nodes", query: `count(kube_node_status_condition{condition="Ready",status="true"} == 1)` },
    );
  }
  return out;
}

/** What the HPA's scale target does: its CPU against requests and limits, its throttling, and its rollout. */
function scaleTargetLines(f: Features): string[] {
  const w = f.target.workload;
  if (!w) return [];
  const parts: string[] = [];
  const req = stat(f, "target_cpu_of_request");
  const lim = stat(f, "cpu_of_limit");
  const thr = stat(f, "cpu_throttled");
  if (req) parts.push(`${formatPercent(req.last)} of CPU requests`);
  if (lim) parts.push(`${formatPercent(lim.max)} of CPU limits at peak`);
  if (thr) parts.push(`${formatPercent(thr.max)} of CPU periods throttled at peak`);
  const out = parts.length ? [`scale target ${w.kind} ${w.name}: pods use ${parts.join(", ")}`] : [];
  if (f.changes.rolloutInWindow) out.push(`scale target rollout: ${f.changes.summary}`);
  return out;
}

function hpaFindings(f: Features): Finding[] {
  const h = f.evidence.k8s.objects?.hpa;
  const namespace = ns(f);
  const name = f.alert.labels.horizontalpodautoscaler;
  if (!name || !namespace) return [];
  const current = h?.currentReplicas ?? stat(f, "hpa_current")?.last;
  const max = h?.maxReplicas ?? stat(f, "hpa_max")?.last;
  const desired = h?.desiredReplicas ?? stat(f, "hpa_desired")?.last;
  if (current === undefined || max === undefined) return [];
  const n = nsFlag(namespace);
  const scaleTarget = h ? workloadRef(h.scaleTarget) : null;
  const metricLines = (h?.metrics ?? []).map((m) => `scales on ${m.name}: ${m.current ?? "no current value"} against a target of ${m.target ?? "?"}`);
  const above = (h?.metrics ?? []).filter((m) => {
    const c = parseQuantity(m.current?.replace(/%$/, ""));
    const t = parseQuantity(m.target?.replace(/%$/, ""));
    return c !== null && t !== null && c > t;
  });
  const conditionLines = (h?.conditions ?? []).filter((c) => (c.type === "ScalingLimited" ? c.status === "True" : c.status === "False")).map((c) => `condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}${c.message ? `: ${c.message}` : ""}`);
  const quotaRefusals = f.events.filter((e) => /exceeded quota/i.test(e.message));
  const targetLines = scaleTargetLines(f);
  const steps = [
    kubectl`${n}describe hpa ${name}`,
    ...(scaleTarget ? [kubectl`${n}get ${scaleTarget} -o jsonpath='{.spec.template.spec.containers[*].resources}'`, kubectl`${n}top pods`] : []),
    promql(`kube_horizontalpodautoscaler_status_target_metric${selector({ namespace, horizontalpodautoscaler: name })}`),
  ];
  const out: Finding[] = [];
  const cannot = (h?.conditions ?? []).find((c) => (c.type === "AbleToScale" || c.type === "ScalingActive") && c.status === "False");
  if (cannot || (desired !== undefined && desired > current && current < max) || quotaRefusals.length) {
    out.push({
      label: "suspected_hpa_cannot_scale",
      category: quotaRefusals.length ? "quota" : "autoscaling",
      title: quotaRefusals.length ? "The HPA asks for replicas a ResourceQuota refuses" : "The HPA cannot reach the replicas it wants",
      confidence: cannot || quotaRefusals.length ? 80 : 65,
      why: [
        `HPA ${name}: ${current} current, ${desired ?? "?"} desired (min ${h?.minReplicas ?? "?"}, max ${max})`,
        ...conditionLines,
        ...quotaRefusals.slice(0, 2).map((e) => `event ${e.reason} on ${e.involvedObject.kind} ${e.involvedObject.name} ×${e.count}: ${e.message}`),
      ],
      counter: current >= max ? ["the HPA is already at maxReplicas: more replicas are refused by its own ceiling too"] : [],
      steps: [...steps, kubectl`${n}get events --field-selector reason=FailedCreate --sort-by=.lastTimestamp`, kubectl`${n}get pods --field-selector status.phase=Pending`],
    });
  }
  if (current >= max) {
    out.push({
      label: "suspected_hpa_at_max",
      category: "autoscaling",
      title: "The HPA is pinned at maxReplicas: load exceeds what it may scale to",
      confidence: h ? (above.length || !h.metrics.length ? 80 : 60) : 65,
      why: [`HPA ${name}: ${current}/${max} replicas (min ${h?.minReplicas ?? "?"})`, ...metricLines, ...conditionLines, ...targetLines],
      counter: h && h.metrics.length && !above.length ? ["no scaling metric is above its target now: the load may already be falling"] : [],
      steps: [...steps, text("Raise maxReplicas if the nodes have room, or fix the requests the utilisation target is computed from.")],
    });
  }
  return out;
}

function quotaFindings(f: Features): Finding[] {
  const namespace = ns(f);
  if (!namespace) return [];
  const quotas = f.evidence.k8s.objects?.quotas ?? [];
  const wanted = f.alert.labels.resource;
  const lines: string[] = [];
  for (const q of quotas) {
    for (const [resource, hardText] of Object.entries(q.hard)) {
      if (wanted && resource !== wanted) continue;
      const hard = parseQuantity(hardText);
      const used = parseQuantity(q.used[resource]);
      if (hard === null || used === null || hard === 0) continue;
      if (used / hard >= 0.9) lines.push(`ResourceQuota ${q.name}: ${resource} ${formatResource(resource, used)} used of ${formatResource(resource, hard)} (${formatPercent(used / hard)})`);
    }
  }
  const ratio = stat(f, "quota_used_ratio");
  if (!lines.length && ratio && ratio.last >= 0.9) lines.push(`quota ${f.alert.labels.resourcequota ?? ""} ${wanted ?? ""} at ${formatPercent(ratio.last)} of its hard limit (peak ${formatPercent(ratio.max)})`.replace(/\s+/g, " "));
  const refused = f.events.filter((e) => /exceeded quota/i.test(e.message) && !f.alert.labels.horizontalpodautoscaler);
  if (!lines.length && !refused.length) return [];
  const n = nsFlag(namespace);
  return [
    {
      label: "suspected_quota_exhausted",
      category: "quota",
      title: refused.length ? "The namespace's ResourceQuota is refusing new pods" : "The namespace's ResourceQuota is (nearly) used up",
      confidence: refused.length ? 85 : 75,
      why: [...lines, ...refused.slice(0, 3).map((e) => `event ${e.reason} on ${e.involvedObject.kind} ${e.involvedObject.name} ×${e.count}: ${e.message}`)],
      counter: refused.length ? [] : ["no \"exceeded quota\" event was found: nothing has been refused yet"],
      steps: [
        kubectl`${n}describe resourcequota${f.alert.labels.resourcequota ? sh` ${f.alert.labels.resourcequota}` : null}`,
        kubectl`${n}get events --field-selector reason=FailedCreate --sort-by=.lastTimestamp`,
        promql(`sum by (pod) (kube_pod_container_resource_requests${selector({ namespace })})`),
        text("Raise the quota, or lower the requests of what runs in the namespace (and remove finished pods that still count)."),
      ],
    },
  ];
}

function overcommitFindings(f: Features): Finding[] {
  const ratio = stat(f, "overcommit_ratio");
  if (!ratio) return [];
  const nodes = stat(f, "nodes_ready")?.last;
  const tolerance = nodes && nodes > 1 ? (nodes - 1) / nodes : 1;
  if (ratio.last < tolerance && ratio.last < 1) return [];
  const quota = /QuotaOvercommit/.test(f.alert.alertname);
  const resource = /Memory/.test(f.alert.alertname) ? "memory" : "cpu";
  return [
    {
      label: "suspected_cluster_overcommit",
      category: quota ? "quota" : "scheduling",
      title: quota ? `Quotas promise more ${resource} than the cluster has` : `Requested ${resource} no longer survives the loss of a node`,
      confidence: 75,
      why: [
        `${quota ? "quota hard" : "requests"} ${resource} = ${formatPercent(ratio.last)} of allocatable (peak ${formatPercent(ratio.max)})`,
        ...(nodes ? [`${nodes} ready node(s): losing one leaves ${formatPercent(tolerance)} of today's capacity`] : []),
      ],
      steps: [
        promql(`sum by (namespace) (kube_pod_container_resource_requests{resource="${resource}"})`),
        kubectl`describe nodes | grep -A8 'Allocated resources'`,
        text("Add a node (or let the cluster autoscaler), or lower requests of the largest namespaces."),
      ],
    },
  ];
}

export const capacity = findingsModule({
  family: "capacity",
  needs: { k8s: "none", logs: false, objects: ["hpa", "quotas"], resolve: true },
  queries,
  findings: (f) => [...hpaFindings(f), ...quotaFindings(f), ...overcommitFindings(f)],
  unknowns: (f) => [
    f.alert.labels.horizontalpodautoscaler
      ? `HPA ${f.alert.labels.horizontalpodautoscaler}: its replicas against maxReplicas, its conditions and the metric it scales on`
      : "requests or quota usage against what the cluster or the quota allows",
  ],
});
