import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, placeholder, promql, text } from "../commands";
import { type Features, stat } from "../features";
import { selector } from "../promql";
import type { Step, Target } from "../report";
import { formatDuration, formatPercent } from "../units";
import { type Finding, findingsModule } from "./findings";
import type { MetricQuery } from "./types";

/**
 * Kubernetes' own components (kubernetes-system* rules, etcd): whether each is scraped up, the API
 * server's error ratio, latency and terminated requests, etcd's leader, fsync latency and space, the
 * kubelet's pod count, PLEG and pod start latency, and version skew — the runbooks' first checks.
 */

type Component = "apiserver" | "kubelet" | "kube-scheduler" | "kube-controller-manager" | "kube-proxy" | "etcd" | "aggregated-api" | "client" | "versions";

function componentOf(alertname: string): Component {
  if (/^etcd/.test(alertname)) return "etcd";
  if (/^KubeAggregatedAPI/.test(alertname)) return "aggregated-api";
  if (/^KubeAPI/.test(alertname)) return "apiserver";
  if (/^Kubelet/.test(alertname)) return "kubelet";
  if (/^KubeScheduler/.test(alertname)) return "kube-scheduler";
  if (/^KubeControllerManager/.test(alertname)) return "kube-controller-manager";
  if (/^KubeProxy/.test(alertname)) return "kube-proxy";
  if (alertname === "KubeClientErrors") return "client";
  if (alertname === "KubeVersionMismatch") return "versions";
  return "apiserver";
}

const upJob: Partial<Record<Component, string>> = {
  apiserver: "apiserver",
  kubelet: "kubelet",
  "kube-scheduler": "kube-scheduler",
  "kube-controller-manager": "kube-controller-manager",
  "kube-proxy": "kube-proxy",
  etcd: "etcd",
};

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const c = componentOf(alert.alertname);
  const l = alert.labels;
  const out: MetricQuery[] = [];
  const job = upJob[c];
  if (job) {
    const sel = c === "etcd" ? `{job=~".*etcd.*"}` : selector({ job: l.job && c !== "kubelet" ? l.job : job, instance: /Unreachable/.test(alert.alertname) ? l.instance : undefined });
    out.push(
      { id: "component_up", title: `${job} targets up`, unit: "targets", query: `sum(up${sel})` },
      { id: "component_targets", title: `${job} targets scraped`, unit: "targets", query: `count(up${sel})` },
      // Tells "this job has no target" and "Prometheus answers nothing at all" apart.
      { id: "all_targets", title: "All scrape targets", unit: "targets", query: "count(up)" },
    );
  }
  if (c === "apiserver") {
    out.push(
      { id: "apiserver_error_ratio", title: "API server 5xx ratio", unit: "ratio", query: `sum(rate(apiserver_request_total{job="apiserver",code=~"5.."}[5m])) / sum(rate(apiserver_request_total{job="apiserver"}[5m]))`, threshold: 0.01 },
      { id: "apiserver_p99", title: "API server p99 latency (non-watch)", unit: "seconds", query: `histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket{job="apiserver",verb!~"WATCH|CONNECT"}[5m])))`, threshold: 1 },
      { id: "apiserver_terminated", title: "API server requests terminated (throttled)", unit: "requests/s", query: `sum(rate(apiserver_request_terminations_total{job="apiserver"}[5m]))` },
      { id: "apiserver_inflight", title: "API server in-flight requests", unit: "requests", query: `sum(apiserver_current_inflight_requests{job="apiserver"})` },
    );
  }
  if (c === "aggregated-api") {
    const sel = selector({ name: l.name, namespace: l.namespace });
    out.push(
      { id: "aggregated_unavailable", title: `APIService ${l.name ?? ""} unavailable`.trim(), unit: "bool", query: `max(aggregator_unavailable_apiservice${sel})` },
      { id: "aggregated_errors", title: "APIService unavailable transitions (10m)", unit: "times", query: `sum(increase(aggregator_unavailable_apiservice_total${sel}[10m]))` },
    );
  }
  if (c === "client") {
    const sel = (extra: string) => `{${[selector({ job: l.job, instance: l.instance, namespace: l.namespace }).slice(1, -1), extra].filter(Boolean).join(",")}}`;
    out.push({ id: "client_error_ratio", title: `Client 5xx ratio (${l.job ?? "client"})`, unit: "ratio", query: `sum(rate(rest_client_requests_total${sel('code=~"5.."')}[5m])) / sum(rate(rest_client_requests_total${sel("")}[5m]))`, threshold: 0.01 });
  }
  if (c === "etcd") {
    out.push(
      { id: "etcd_has_leader", title: "etcd members with a leader", unit: "members", query: `min(etcd_server_has_leader{job=~".*etcd.*"})` },
      { id: "etcd_fsync_p99", title: "etcd WAL fsync p99", unit: "seconds", query: `histogram_quantile(0.99, sum by (le) (rate(etcd_disk_wal_fsync_duration_seconds_bucket{job=~".*etcd.*"}[5m])))`, threshold: 0.01 },
      { id: "etcd_db_used_ratio", title: "etcd database size / quota", unit: "ratio", query: `max(etcd_mvcc_db_total_size_in_bytes{job=~".*etcd.*"} / etcd_server_quota_backend_bytes{job=~".*etcd.*"})`, threshold: 0.9 },
      { id: "etcd_leader_changes", title: "etcd leader changes (1h)", unit: "changes", query: `sum(increase(etcd_server_leader_changes_seen_total{job=~".*etcd.*"}[1h]))` },
    );
  }
  if (c === "kubelet" && t.node) {
    const node = selector({ node: t.node });
    out.push(
      { id: "kubelet_running_pods", title: `Pods running on ${t.node}`, unit: "pods", query: `max(kubelet_running_pods${node})` },
      { id: "node_pod_capacity", title: `Pod capacity of ${t.node}`, unit: "pods", query: `max(kube_node_status_capacity${selector({ node: t.node, resource: "pods" })})` },
      { id: "kubelet_pleg_p99", title: "Kubelet PLEG relist p99", unit: "seconds", query: `histogram_quantile(0.99, sum by (le) (rate(kubelet_pleg_relist_duration_seconds_bucket${node}[5m])))`, threshold: 10 },
      { id: "kubelet_pod_start_p99", title: "Kubelet pod start p99", unit: "seconds", query: `histogram_quantile(0.99, sum by (le) (rate(kubelet_pod_worker_duration_seconds_bucket${node}[5m])))`, threshold: 60 },
    );
  }
  if (c === "versions") {
    out.push({ id: "minor_versions", title: "Distinct Kubernetes minor versions", unit: "versions", query: `count(count by (git_version) (label_replace(kubernetes_build_info{job!~"kube-dns|coredns"},"git_version","$1","git_version","(v[0-9]*.[0-9]*).*")))` });
  }
  return out;
}

function componentSteps(c: Component, f: Features): Step[] {
  switch (c) {
    case "apiserver":
    case "aggregated-api":
    case "client":
    case "versions":
      return [kubectl`get --raw '/readyz?verbose'`, kubectl`-n kube-system get pods -l component=kube-apiserver -o wide`, ...(c === "aggregated-api" ? [kubectl`get apiservices | grep -v True`] : [])];
    case "etcd":
      return [kubectl`-n kube-system get pods -l component=etcd -o wide`, text("On a control-plane node: etcdctl endpoint status --cluster -w table && etcdctl endpoint health --cluster")];
    case "kubelet":
      return f.target.node ? [kubectl`describe node ${f.target.node}`, kubectl`get pods -A --field-selector spec.nodeName=${f.target.node} -o wide`, text(`On the node: journalctl -u kubelet --since "-1h" | tail -200`)] : [kubectl`get nodes -o wide`];
    default:
      return [kubectl`-n kube-system get pods -l component=${c} -o wide`, kubectl`-n kube-system logs -l component=${c} --tail=200`];
  }
}

function findings(f: Features): Finding[] {
  const c = componentOf(f.alert.alertname);
  const steps = componentSteps(c, f);
  const out: Finding[] = [];
  const up = stat(f, "component_up");
  const targets = stat(f, "component_targets");
  const job = upJob[c];
  if (job && stat(f, "all_targets")) {
    if (!targets) {
      out.push({
        label: "suspected_component_down",
        category: "control_plane",
        title: `No ${job} target is scraped at all`,
        confidence: 60,
        why: [`count(up{job="${job}"}) returned no series: the component is gone, or its ServiceMonitor/discovery no longer finds it`],
        counter: ["on managed clusters (EKS, GKE, AKS) the scheduler, controller-manager and etcd are often not scrapable at all: then the rule, not the component, is wrong"],
        steps: [...steps, kubectl`-n kube-system get servicemonitors,endpoints | grep -i ${job.replace(/^kube-/, "")}`],
      });
    } else if (up && up.min < targets.last) {
      out.push({
        label: "suspected_component_down",
        category: "control_plane",
        title: `${job}: ${Math.round(targets.last - up.last)} of ${Math.round(targets.last)} target(s) down`,
        confidence: up.last < targets.last ? 80 : 55,
        why: [`up{job="${job}"}: ${Math.round(up.last)} of ${Math.round(targets.last)} up now (lowest ${Math.round(up.min)} inside the window)`],
        counter: up.last >= targets.last ? ["every target is up again now"] : [],
        steps,
      });
    }
  }
  const errors = stat(f, "apiserver_error_ratio") ?? stat(f, "client_error_ratio");
  const p99 = stat(f, "apiserver_p99");
  const terminated = stat(f, "apiserver_terminated");
  const overload = [
    errors && errors.max >= 0.01 ? `5xx ratio ${formatPercent(errors.last)} now, peak ${formatPercent(errors.max)}` : null,
    p99 && p99.max >= 1 ? `p99 latency ${formatDuration(p99.last)} now, peak ${formatDuration(p99.max)}` : null,
    terminated && terminated.max > 0 ? `${terminated.max.toFixed(2)} requests/s terminated by API Priority and Fairness at peak` : null,
  ].filter((x): x is string => x !== null);
  if (overload.length) {
    out.push({
      label: "suspected_apiserver_overload",
      category: "control_plane",
      title: c === "client" ? `${f.alert.labels.job ?? "A client"} gets server errors from the API server` : "The API server is failing or throttling requests",
      confidence: 75,
      why: overload,
      steps: [
        promql(`topk(10, sum by (resource, verb, code) (rate(apiserver_request_total{job="apiserver",code=~"5..|429"}[5m])))`),
        promql(`topk(10, sum by (flow_schema, priority_level) (rate(apiserver_flowcontrol_rejected_requests_total[5m])))`),
        ...steps,
      ],
    });
  }
  const unavailable = stat(f, "aggregated_unavailable");
  if (unavailable && unavailable.max > 0) {
    out.push({
      label: "suspected_component_down",
      category: "dependency_unavailable",
      title: `APIService ${f.alert.labels.name ?? ""} is unavailable: its backing Service does not answer`.replace("  ", " "),
      confidence: 80,
      why: [`aggregator_unavailable_apiservice was 1 inside the window${unavailable.last > 0 ? " and still is" : ""}`],
      steps: [kubectl`get apiservice ${f.alert.labels.name ?? placeholder("name")} -o yaml`, ...steps],
    });
  }
  const leader = stat(f, "etcd_has_leader");
  const fsync = stat(f, "etcd_fsync_p99");
  const db = stat(f, "etcd_db_used_ratio");
  const etcd = [
    leader && leader.min < 1 ? "a member had no leader inside the window (etcd_server_has_leader=0)" : null,
    fsync && fsync.max > 0.01 ? `WAL fsync p99 ${formatDuration(fsync.max)} at peak (a healthy disk stays under 10 ms)` : null,
    db && db.max >= 0.8 ? `database at ${formatPercent(db.max)} of its space quota` : null,
  ].filter((x): x is string => x !== null);
  if (etcd.length) {
    out.push({
      label: "suspected_etcd_degraded",
      category: db && db.max >= 0.8 ? "disk_full" : "control_plane",
      title: "etcd is degraded (leader, disk latency or space)",
      confidence: 80,
      why: etcd,
      steps: [
        promql(`histogram_quantile(0.99, sum by (instance, le) (rate(etcd_disk_wal_fsync_duration_seconds_bucket{job=~".*etcd.*"}[5m])))`),
        ...(db && db.max >= 0.8 ? [text("Compact and defragment: etcdctl compact <rev> && etcdctl defrag --cluster (one member at a time)")] : []),
        ...steps,
      ],
    });
  }
  const pods = stat(f, "kubelet_running_pods");
  const capacity = stat(f, "node_pod_capacity");
  const pleg = stat(f, "kubelet_pleg_p99");
  const start = stat(f, "kubelet_pod_start_p99");
  const kubelet = [
    pods && capacity && capacity.last > 0 && pods.last / capacity.last >= 0.9 ? `${Math.round(pods.last)} pods running of a capacity of ${Math.round(capacity.last)} (${formatPercent(pods.last / capacity.last)})` : null,
    pleg && pleg.max >= 1 ? `PLEG relist p99 ${formatDuration(pleg.max)} at peak (the container runtime answers slowly)` : null,
    start && start.max >= 60 ? `pod start p99 ${formatDuration(start.max)} at peak` : null,
    f.nodeReady === false ? `node ${f.evidence.k8s.node?.name ?? f.target.node} is NotReady` : null,
  ].filter((x): x is string => x !== null);
  if (kubelet.length) {
    out.push({
      label: "suspected_kubelet_degraded",
      category: pods && capacity && pods.last / capacity.last >= 0.9 ? "scheduling" : "node_pressure",
      title: `The kubelet on ${f.target.node ?? "the node"} is overloaded or slow`,
      confidence: 75,
      why: kubelet,
      steps,
    });
  }
  const versions = stat(f, "minor_versions");
  if (versions && versions.last > 1) {
    out.push({
      label: "suspected_version_skew",
      category: "control_plane",
      title: `${Math.round(versions.last)} Kubernetes minor versions run side by side`,
      confidence: 85,
      why: [`${Math.round(versions.last)} distinct minor versions in kubernetes_build_info: an upgrade is unfinished`],
      counter: ["skew inside the supported window (kubelet up to three minors behind the API server) is expected during an upgrade"],
      steps: [promql(`count by (git_version, job) (kubernetes_build_info)`), kubectl`get nodes -o custom-columns=NAME:.metadata.name,VERSION:.status.nodeInfo.kubeletVersion`],
    });
  }
  return out;
}

export const controlPlane = findingsModule({
  family: "control_plane",
  needs: { k8s: "none", logs: false },
  queries,
  findings,
  unknowns: (f) => [`${componentOf(f.alert.alertname)}: whether its targets are up, and its error ratio, latency and saturation in the window`],
});
