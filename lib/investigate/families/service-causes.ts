import { kubectl, nsFlag, promql, text, workloadRef } from "../commands";
import { type Features, logMatch, stat } from "../features";
import { podSelector, selector, withMatcher } from "../promql";
import type { Dependency, MetricSeries, Target } from "../report";
import { formatDuration } from "../units";
import type { HypothesisCategory } from "../vocabulary";
import type { Finding } from "./findings";
import { formatSeconds } from "./trend";
import type { MetricQuery } from "./types";

/**
 * The four causes a service's 5xx or latency alert is told apart by (docs/alerts.md):
 * a rollout regression, a failing upstream, saturation and a slow database. Each finding names the
 * evidence for it and against it; a cause nothing speaks for is not a finding.
 */

const pct = (v: number) => `${Math.round(v * 100)}%`;

/** CPU of limit, CFS throttling and the autoscaler's headroom for the workload's pods. */
export function saturationQueries(t: Target): MetricQuery[] {
  if (!t.namespace || (!t.pod && !t.workload)) return [];
  const pods = podSelector({ ...t, pod: t.workload ? null : t.pod }, { container: false });
  const out: MetricQuery[] = [
    {
      id: "cpu_of_limit",
      title: "CPU used of limit",
      unit: "ratio",
      query: `sum(rate(container_cpu_usage_seconds_total${withMatcher(pods, 'container!=""')}[5m])) / sum(kube_pod_container_resource_limits${withMatcher(pods, 'resource="cpu"')})`,
      threshold: 0.9,
    },
    {
      id: "cpu_throttled",
      title: "CPU periods throttled",
      unit: "ratio",
      query: `sum(rate(container_cpu_cfs_throttled_periods_total${withMatcher(pods, 'container!=""')}[5m])) / sum(rate(container_cpu_cfs_periods_total${withMatcher(pods, 'container!=""')}[5m]))`,
      threshold: 0.25,
    },
  ];
  if (t.workload) {
    const hpa = selector({ namespace: t.namespace, horizontalpodautoscaler: t.workload.name });
    out.push({ id: "hpa_at_max", title: "Replicas of the autoscaler's maximum", unit: "ratio", query: `max(kube_horizontalpodautoscaler_status_current_replicas${hpa}) / max(kube_horizontalpodautoscaler_spec_max_replicas${hpa})` });
  }
  return out;
}

/** p95 of the database client's own query-duration histograms (`*db*_duration_seconds`, `*sql*`, `*query*`) in the namespace. */
export function databaseQuery(t: Target): MetricQuery[] {
  if (!t.namespace) return [];
  const sel = withMatcher(selector({ namespace: t.namespace }), '__name__=~".*(db|database|sql|query)_.*duration_seconds_bucket"');
  return [{ id: "db_query_p95", title: "Database query p95", unit: "s", query: `histogram_quantile(0.95, sum by (le) (rate(${sel}[5m])))`, threshold: 0.5 }];
}

function seriesOf(f: Features, id: string): MetricSeries[] {
  return f.evidence.metrics.series.filter((s) => s.id === id || s.id.startsWith(`${id}#`));
}

function newestReplicaSet(f: Features): string | null {
  return [...(f.evidence.k8s.workload?.revisions ?? [])].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0]?.replicaSet ?? null;
}

const errorCategories = new Set<HypothesisCategory>(["dependency_unavailable", "dependency_latency", "database_slow", "config_error", "permission_error", "app_crash", "network", "bad_rollout"]);

/** Which revision the error lines came from, when pods of both the newest ReplicaSet and older ones were read. */
function logsByRevision(f: Features): { only: "new" | "both"; newPods: string[]; oldPods: string[]; title: string } | null {
  const rs = newestReplicaSet(f);
  if (!rs) return null;
  const isNew = (pod: string) => pod.startsWith(`${rs}-`);
  const read = new Set(f.evidence.logs.entries.flatMap((e) => (e.labels.pod ? [e.labels.pod] : [])));
  if (![...read].some(isNew) || [...read].every(isNew)) return null;
  const m = f.logMatches.find((x) => errorCategories.has(x.category) && x.pods?.length);
  if (!m?.pods) return null;
  const newPods = m.pods.filter(isNew);
  const oldPods = m.pods.filter((p) => !isNew(p));
  if (!newPods.length) return null;
  return { only: oldPods.length ? "both" : "new", newPods, oldPods, title: m.title };
}

/** The newest ReplicaSet's pods against the older ones, from a `by (pod)` series: what only new pods do is the rollout's. */
function newVersusOld(f: Features, byPodId: string): { newValue: number; oldValue: number; newPods: string[]; oldPods: string[] } | null {
  // An alert scoped to one pod has no other pods to compare with.
  if (f.target.pod && !f.target.service) return null;
  const rs = newestReplicaSet(f);
  if (!rs) return null;
  const series = seriesOf(f, byPodId).filter((s) => s.labels.pod && s.stats);
  if (!series.length) return null;
  const isNew = (pod: string) => pod.startsWith(`${rs}-`);
  const sum = (xs: MetricSeries[]) => xs.reduce((n, s) => n + (s.stats?.last ?? 0), 0);
  const fresh = series.filter((s) => isNew(s.labels.pod as string));
  const old = series.filter((s) => !isNew(s.labels.pod as string));
  if (!fresh.length) return null;
  return { newValue: sum(fresh) / (fresh.length || 1), oldValue: old.length ? sum(old) / old.length : 0, newPods: fresh.map((s) => s.labels.pod as string), oldPods: old.map((s) => s.labels.pod as string) };
}

export function rolloutRegression(
  f: Features,
  signal: { byPod: MetricQuery; what: string; format: (v: number) => string; worse: (fresh: number, old: number) => boolean },
): Finding | null {
  const m = f.changes.minutesBeforeAlert;
  if (!f.changes.rolloutInWindow || m === null || m < 0 || m > 60) return null;
  const ref = workloadRef(f.evidence.k8s.workload ?? f.target.workload);
  const ns = nsFlag(f.target.namespace);
  const why = [f.changes.summary];
  const counter: string[] = [];
  const split = newVersusOld(f, signal.byPod.id);
  let confidence = 65;
  if (!split) counter.push(`${signal.what} per pod not available: new pods could not be told from old ones`);
  else if (!split.oldPods.length) {
    why.push(`every serving pod runs the new revision (${split.newPods.length}): ${signal.what} ${signal.format(split.newValue)} per pod`);
  } else if (signal.worse(split.newValue, split.oldValue)) {
    confidence = 85;
    why.push(`${signal.what} comes from the new revision's pods: ${signal.format(split.newValue)} per new pod (${split.newPods.join(", ")}) against ${signal.format(split.oldValue)} per old pod (${split.oldPods.join(", ")})`);
  } else {
    confidence = 30;
    counter.push(`old pods are as affected as new ones: ${signal.format(split.oldValue)} per old pod against ${signal.format(split.newValue)} per new pod`);
  }
  const logs = logsByRevision(f);
  if (logs?.only === "new") {
    confidence = Math.max(confidence, 80);
    why.push(`log errors (${logs.title}) come only from the new revision's pods (${logs.newPods.join(", ")}); the old pods' logs read show none`);
  } else if (logs) {
    counter.push(`log errors (${logs.title}) come from old pods too (${logs.oldPods.join(", ")}), not only the new revision's`);
  }
  return {
    label: "suspected_rollout_regression",
    category: "bad_rollout",
    title: "The latest rollout introduced the problem",
    confidence,
    why,
    counter,
    steps: [kubectl`${ns}rollout history ${ref}`, promql(signal.byPod.query), text(`If the new revision is the cause, roll back: ${kubectl`${ns}rollout undo ${ref}`.text}`)],
  };
}

/** The upstream's own p95 now at least 100 ms and twice the window's start: it got slow, not only its callers. */
export function latencyRise(dep: Dependency): string | null {
  const p95 = dep.latencyP95;
  if (!p95 || p95.last < 0.1 || p95.last < 2 * Math.max(p95.first, 1e-3)) return null;
  return `upstream ${dep.namespace}/${dep.service ?? dep.pod} p95 latency ${formatDuration(p95.first)} → ${formatDuration(p95.last)} over the window`;
}

/** An upstream named in the logs, with what the dependency check found about it. */
export function dependencyFailure(f: Features, opts: { label: string; category: HypothesisCategory; categories: HypothesisCategory[] }): Finding | null {
  const m = logMatch(f, ...opts.categories);
  if (!m) return null;
  const from = m.pods?.length ? ` from ${m.pods.length} pod(s): ${m.pods.join(", ")}` : "";
  const why = [`logs: ${m.title}${m.detail ? ` (${m.detail})` : ""} ×${m.count}${from}: "${m.sample.slice(0, 160)}"`];
  const counter: string[] = [];
  const dep = (f.evidence.k8s.dependencies ?? []).find((d) => d.address === m.detail);
  const slower = opts.category === "dependency_latency" && dep ? latencyRise(dep) : null;
  let confidence = 70;
  if (dep?.healthy === false) {
    confidence = 85;
    why.push(dep.summary, ...(slower ? [slower] : []));
  } else if (dep && slower) {
    confidence = 80;
    why.push(slower, dep.summary);
  } else if (dep?.healthy === true) {
    confidence = 50;
    counter.push(`${dep.summary}: the upstream looks healthy from the cluster (the path to it, or its slowness, may still fail)`);
  } else if (!dep && m.detail) {
    counter.push(f.available.k8s ? `${m.detail} could not be resolved to a Service or pod in the cluster` : `${m.detail} was not checked: ${f.evidence.k8s.reason ?? "no Kubernetes context"}`);
  }
  const ns = dep?.namespace ?? f.target.namespace;
  const steps = dep?.service && ns
    ? [kubectl`-n ${ns} get endpointslices -l kubernetes.io/service-name=${dep.service} -o wide`, kubectl`-n ${ns} describe service ${dep.service}`, kubectl`-n ${ns} get pods -o wide`]
    : [...(m.detail ? [text(`Check ${m.detail} (health, endpoints, recent changes).`)] : []), ...(ns ? [kubectl`-n ${ns} get endpointslices -o wide`] : [])];
  const verb = opts.category === "dependency_latency" ? "is slow or times out" : "fails";
  const title = `Upstream ${dep?.service ? `${dep.namespace}/${dep.service}` : (m.detail ?? "dependency")} ${verb}`;
  return { label: opts.label, category: opts.category, title, confidence, why, counter, steps };
}

/** CPU at its limit or throttled, the autoscaler at its maximum, or load well above the window's start. */
export function saturation(f: Features, queries: MetricQuery[]): Finding | null {
  const cpu = stat(f, "cpu_of_limit");
  const throttled = stat(f, "cpu_throttled");
  const hpa = stat(f, "hpa_at_max");
  const rate = stat(f, "request_rate");
  const why: string[] = [];
  const counter: string[] = [];
  if (cpu && cpu.max >= 0.9) why.push(`pods use ${pct(cpu.max)} of their CPU limit at peak`);
  else if (cpu) counter.push(`CPU at most ${pct(cpu.max)} of the limit`);
  if (throttled && throttled.max >= 0.25) why.push(`${pct(throttled.max)} of CPU periods throttled at peak`);
  if (hpa && hpa.last >= 1) why.push("the autoscaler is at its maximum replicas: it cannot add capacity");
  else if (hpa) counter.push(`the autoscaler has headroom (${pct(hpa.last)} of its maximum)`);
  const grew = rate && rate.first > 0 && rate.max / rate.first >= 1.8;
  if (grew) why.push(`request rate grew ${(rate.max / rate.first).toFixed(1)}× (${rate.first.toPrecision(3)} → ${rate.max.toPrecision(3)} req/s)`);
  const capacity = why.length - (grew ? 1 : 0);
  if (!why.length) return null;
  if (!cpu && !hpa) counter.push("CPU and autoscaler metrics for the pods were not found: more load alone does not show the service ran out of capacity");
  const pick = (id: string) => queries.filter((q) => q.id === id).map((q) => promql(q.query));
  const ns = f.target.namespace;
  return {
    label: "suspected_saturation",
    category: "saturation",
    title: "The service is saturated: it has no CPU or replicas left for its load",
    confidence: capacity > 0 ? Math.min(85, 60 + 10 * (capacity - 1) + (grew ? 10 : 0)) : 45,
    why,
    counter,
    steps: [...pick("cpu_of_limit"), ...pick("cpu_throttled"), ...pick("request_rate"), ...(ns ? [kubectl`-n ${ns} get hpa`] : [])],
  };
}

/** The database client's query time rising, or slow-query / pool lines in the logs. */
export function slowDatabase(f: Features, queries: MetricQuery[]): Finding | null {
  const db = stat(f, "db_query_p95");
  const m = logMatch(f, "database_slow");
  const why: string[] = [];
  const counter: string[] = [];
  const rising = db && db.max >= 0.1 && db.max >= 2 * Math.max(db.first, 1e-3);
  if (rising) why.push(`database query p95 ${formatSeconds(db.first)} → ${formatSeconds(db.max)}`);
  else if (db) counter.push(`database query p95 stays near ${formatSeconds(db.last)}`);
  if (m) why.push(`logs: ${m.title} ×${m.count}: "${m.sample.slice(0, 160)}"`);
  if (!why.length) return null;
  if (!db) counter.push("no database query-duration metric found for the namespace");
  return {
    label: "suspected_database_slow",
    category: "database_slow",
    title: "The database answers slowly",
    confidence: rising && m ? 85 : rising ? 75 : 70,
    why,
    counter,
    steps: [
      ...queries.filter((q) => q.id === "db_query_p95").map((q) => promql(q.query)),
      text("On the database: the longest-running and waiting queries (pg_stat_activity / SHOW PROCESSLIST), locks, and connection-pool usage."),
    ],
  };
}
