import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, promql, text } from "../commands";
import { type Features, stat } from "../features";
import { selector, withMatcher } from "../promql";
import type { Step, Target } from "../report";
import { round } from "../triage";
import { formatDuration, formatPercent } from "../units";
import { type Finding, findingsModule } from "./findings";
import { alertExprQuery } from "../alert-expression";
import { monitoringStackFindings, monitoringStackQueries } from "./monitoring-stack";
import { trendOf } from "./trend";
import type { MetricQuery } from "./types";

/** The monitoring server's own series, scoped by the job/instance the alert carries. */
function selfSelector(alert: NormalizedAlert): string {
  return selector({ job: alert.labels.job, instance: alert.labels.instance });
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const self = selfSelector(alert);
  const spans = selector({ namespace: t.namespace, service: t.service });
  // Without a job or instance the server is unknown: its own counters summed over every server would blame the wrong one.
  const server: MetricQuery[] = !alert.labels.job && !alert.labels.instance ? [] : [
    { id: "rule_failures", title: "Prometheus rule evaluation failures (10m)", unit: "failures", query: `sum(increase(prometheus_rule_evaluation_failures_total${self}[10m]))` },
    {
      id: "vmalert_errors",
      title: "vmalert rule errors (10m)",
      unit: "errors",
      query: `sum(increase(${withMatcher(self, '__name__=~"vmalert_(alerting|recording)_rules_errors_total"')}[10m]))`,
    },
    { id: "rows_ignored", title: "VictoriaMetrics rows ignored", unit: "rows/s", query: `sum(rate(vm_rows_ignored_total${self}[5m]))` },
    { id: "remote_write_failed", title: "Remote-write samples failed", unit: "samples/s", query: `sum(rate(prometheus_remote_storage_samples_failed_total${self}[5m]))` },
    { id: "out_of_order", title: "Out-of-order samples rejected at scrape", unit: "samples/s", query: `sum(rate(prometheus_target_scrapes_sample_out_of_order_total${self}[5m]))` },
    { id: "head_series", title: "TSDB head series", unit: "series", query: `sum(prometheus_tsdb_head_series${self})` },
    { id: "samples_appended", title: "Samples ingested", unit: "samples/s", query: `sum(rate(prometheus_tsdb_head_samples_appended_total${self}[5m]))` },
  ];
  const out: MetricQuery[] = [
    ...alertExprQuery(alert),
    ...server,
    {
      id: "orphaned_spans",
      title: "Share of spans whose parent never arrived (assumed metrics)",
      unit: "ratio",
      query: `sum(rate(traces_orphaned_spans_total${spans}[5m])) / sum(rate(traces_spans_total${spans}[5m]))`,
      threshold: 0.05,
    },
  ];
  if (alert.labels.job) out.push({ id: "self_up", title: `Scrape of ${alert.labels.job} up`, unit: "bool", query: `min(up${self})` });
  return [...out, ...topicQueries(alert), ...monitoringStackQueries(alert)];
}

/** The series a runbook names for the monitoring stack's own alerts, only for the alert that needs them. */
function topicQueries(alert: NormalizedAlert): MetricQuery[] {
  const name = alert.alertname;
  const self = selfSelector(alert);
  if (/^Alertmanager.*Send|Notification|Alertmanagers?$/.test(name)) {
    const integration = alert.labels.integration;
    const amSel = selector({ job: alert.labels.job, instance: alert.labels.instance, integration });
    return [
      { id: "am_notify_failed_ratio", title: `Alertmanager notifications failed${integration ? ` (${integration})` : ""}`, unit: "ratio", query: `sum(rate(alertmanager_notifications_failed_total${amSel}[5m])) / sum(rate(alertmanager_notifications_total${amSel}[5m]))`, threshold: 0.01 },
      { id: "prom_notify_error_ratio", title: "Prometheus → Alertmanager send errors", unit: "ratio", query: `sum(rate(prometheus_notifications_errors_total${self}[5m])) / sum(rate(prometheus_notifications_sent_total${self}[5m]))`, threshold: 0.01 },
      { id: "prom_notify_queue", title: "Prometheus notification queue length / capacity", unit: "ratio", query: `max(prometheus_notifications_queue_length${self} / prometheus_notifications_queue_capacity${self})`, threshold: 0.9 },
      { id: "prom_am_discovered", title: "Alertmanagers Prometheus sends to", unit: "alertmanagers", query: `min(prometheus_notifications_alertmanagers_discovered${self})` },
    ];
  }
  if (/(?<!TSDB)Reload|BadConfig|ConfigInconsistent|ConfigReloader/.test(name)) {
    return [
      { id: "config_reload_ok", title: "Last configuration reload succeeded", unit: "bool", query: `min(${withMatcher(self, '__name__=~"alertmanager_config_last_reload_successful|prometheus_config_last_reload_successful|reloader_last_reload_successful"')})` },
      { id: "config_hashes", title: "Distinct configuration hashes across replicas", unit: "configs", query: `count(count by (config_hash) (alertmanager_config_hash${selector({ namespace: alert.labels.namespace })}))` },
    ];
  }
  if (/RemoteWrite|RemoteStorage/.test(name)) {
    return [
      { id: "remote_write_lag", title: "Remote write behind (newest sample − newest sent)", unit: "seconds", query: `max(prometheus_remote_storage_highest_timestamp_in_seconds${self}) - min(prometheus_remote_storage_queue_highest_sent_timestamp_seconds${self})`, threshold: 120 },
      { id: "remote_write_shards", title: "Remote write shards desired / max", unit: "ratio", query: `max(prometheus_remote_storage_shards_desired${self} / prometheus_remote_storage_shards_max${self})`, threshold: 1 },
    ];
  }
  if (/SDRefresh|ListWatch|TargetSync|ListErrors|WatchErrors/.test(name)) {
    return [
      { id: "sd_refresh_failures", title: "Service discovery refresh failures (10m)", unit: "failures", query: `sum(increase(prometheus_sd_refresh_failures_total${self}[10m]))` },
      { id: "sd_k8s_failures", title: "Kubernetes list/watch failures (10m)", unit: "failures", query: `sum(increase(${withMatcher(self, '__name__=~"prometheus_sd_kubernetes_failures_total|prometheus_target_sync_failed_total|prometheus_operator_list_operations_failed_total|prometheus_operator_watch_operations_failed_total"')}[10m]))` },
      { id: "ksm_list_error_ratio", title: "kube-state-metrics list/watch errors", unit: "ratio", query: `sum(rate(${withMatcher(self, '__name__=~"kube_state_metrics_(list|watch)_total",result="error"')}[5m])) / sum(rate(${withMatcher(self, '__name__=~"kube_state_metrics_(list|watch)_total"')}[5m]))`, threshold: 0.01 },
    ];
  }
  return [];
}

const notifyLine = /notify|failed to send|dispatch|webhook|smtp|slack|pagerduty|opsgenie|context deadline exceeded/i;

function topicFindings(f: Features): Finding[] {
  const out: Finding[] = [];
  const steps = serverSteps(f);
  const am = stat(f, "am_notify_failed_ratio");
  const promErr = stat(f, "prom_notify_error_ratio");
  const queue = stat(f, "prom_notify_queue");
  const discovered = stat(f, "prom_am_discovered");
  const lines = f.evidence.logs.entries.filter((e) => notifyLine.test(e.line) && /err|fail|level=warn/i.test(e.line)).map((e) => e.line);
  const notify = [
    am && am.max > 0.01 ? `${formatPercent(am.max)} of notifications${f.alert.labels.integration ? ` to ${f.alert.labels.integration}` : ""} failed at peak (${formatPercent(am.last)} now)` : null,
    promErr && promErr.max > 0.01 ? `${formatPercent(promErr.max)} of Prometheus' sends to Alertmanager failed at peak` : null,
    queue && queue.max >= 0.9 ? `Prometheus' notification queue ${formatPercent(queue.max)} full at peak: alerts are dropped` : null,
    discovered && discovered.min < 1 ? "Prometheus discovered no Alertmanager inside the window" : null,
    ...(lines.length ? [`logs: ${lines.length} notification error line(s), e.g. "${lines[0]?.slice(0, 200)}"`] : []),
  ].filter((x): x is string => x !== null);
  if (notify.length) {
    out.push({
      label: "suspected_notification_failure",
      category: "alerting_pipeline",
      title: "Alerts are not delivered: notifications fail on the way to the receiver",
      confidence: lines.length || (am && am.max > 0.01) ? 85 : 75,
      why: notify,
      counter: f.evidence.logs.status === "ok" && !lines.length ? ["the logs read show no notification error"] : [],
      steps: [
        promql(`sum by (integration) (rate(alertmanager_notifications_failed_total${selfSelector(f.alert)}[5m]))`),
        ...(f.target.pod && f.target.namespace ? [kubectl`-n ${f.target.namespace} logs ${f.target.pod} -c alertmanager --tail=200 | grep -i -E 'notify|error'`] : []),
        text("Check the receiver's endpoint, credentials and proxy from the Alertmanager pod (the failing integration is in the metric's `integration` label)."),
        ...steps,
      ],
    });
  }
  const reload = stat(f, "config_reload_ok");
  const hashes = stat(f, "config_hashes");
  if ((reload && reload.min < 1) || (hashes && hashes.last > 1)) {
    out.push({
      label: "suspected_config_reload_failure",
      category: "config_error",
      title: "The new configuration was rejected; the old one is still running",
      confidence: 85,
      why: [
        ...(reload && reload.min < 1 ? [`the last configuration reload failed${reload.last < 1 ? " and has not succeeded since" : ""}`] : []),
        ...(hashes && hashes.last > 1 ? [`${Math.round(hashes.last)} different configurations run across the replicas`] : []),
      ],
      steps: [
        ...(f.target.pod && f.target.namespace ? [kubectl`-n ${f.target.namespace} logs ${f.target.pod} --all-containers --tail=200 | grep -i -E 'reload|config'`] : []),
        text("Validate the configuration: amtool check-config alertmanager.yaml, or promtool check config prometheus.yml"),
        ...steps,
      ],
    });
  }
  const lag = stat(f, "remote_write_lag");
  const shards = stat(f, "remote_write_shards");
  const failed = stat(f, "remote_write_failed");
  const remote = [
    lag && lag.max > 120 ? `remote write is ${formatDuration(lag.last)} behind (worst ${formatDuration(lag.max)})` : null,
    shards && shards.max > 1 ? `desired shards ${formatPercent(shards.max)} of the maximum: the queue cannot keep up` : null,
    failed && failed.max > 0 && /Remote/.test(f.alert.alertname) ? `${round(failed.max)} samples/s failed to send at peak` : null,
  ].filter((x): x is string => x !== null);
  if (remote.length) {
    out.push({
      label: "suspected_remote_write_failure",
      category: "alerting_pipeline",
      title: "Remote write falls behind or fails: the long-term store is missing recent data",
      confidence: 85,
      why: remote,
      steps: [promql(`sum by (remote_name, url) (rate(prometheus_remote_storage_samples_failed_total${selfSelector(f.alert)}[5m]))`), text("Check the remote endpoint's health and its 4xx/5xx answers in the Prometheus logs (grep remote_name)."), ...steps],
    });
  }
  const sd = stat(f, "sd_refresh_failures");
  const k8s = stat(f, "sd_k8s_failures");
  const ksm = stat(f, "ksm_list_error_ratio");
  const discovery = [
    sd && sd.max > 0 ? `${round(sd.max)} service discovery refresh failures in 10 min at worst` : null,
    k8s && k8s.max > 0 ? `${round(k8s.max)} Kubernetes list/watch or target sync failures in 10 min at worst` : null,
    ksm && ksm.max > 0.01 ? `${formatPercent(ksm.max)} of kube-state-metrics list/watch calls failed at peak` : null,
  ].filter((x): x is string => x !== null);
  if (discovery.length) {
    out.push({
      label: "suspected_service_discovery_failure",
      category: "permission_error",
      title: "Discovery cannot list or watch its targets (RBAC, API server, or the SD endpoint)",
      confidence: 80,
      why: discovery,
      steps: [
        kubectl`auth can-i list pods --as=system:serviceaccount:${f.target.namespace ?? "monitoring"}:${f.alert.labels.job ?? "prometheus-k8s"} -A`,
        ...(f.target.pod && f.target.namespace ? [kubectl`-n ${f.target.namespace} logs ${f.target.pod} --tail=200 | grep -i -E 'discovery|forbidden|list|watch'`] : []),
        ...steps,
      ],
    });
  }
  return out;
}

function serverSteps(f: Features): Step[] {
  const t = f.target;
  const ns = nsFlag(t.namespace);
  if (t.pod) return [kubectl`${ns}logs ${t.pod} --tail=200`, kubectl`${ns}describe pod ${t.pod}`];
  const job = f.alert.labels.job;
  return job && t.namespace ? [kubectl`${ns}get pods -l app.kubernetes.io/name=${job} -o wide`] : [];
}

function findings(f: Features): Finding[] {
  const q = queries(f.target, f.alert);
  const queryOf = (id: string) => q.find((x) => x.id === id)?.query ?? "";
  const self = selfSelector(f.alert);
  const out: Finding[] = [];
  const head = trendOf(f, "head_series");
  const grew = !!head && head.min > 0 && head.max >= 1.3 * head.min && head.last >= head.first;

  const rules = stat(f, "rule_failures");
  const vmalert = stat(f, "vmalert_errors");
  if ((rules?.max ?? 0) > 0 || (vmalert?.max ?? 0) > 0) {
    out.push({
      label: "suspected_alerting_rules_error",
      category: "alerting_pipeline",
      title: "Rules fail to evaluate: alerts and recordings based on them are blind",
      // Exploding series make rule queries time out or hit limits; then the series are the cause.
      confidence: grew ? 70 : 80,
      why: [
        ...(rules && rules.max > 0 ? [`${round(rules.max)} Prometheus rule evaluation failures in 10 min at worst (prometheus_rule_evaluation_failures_total)`] : []),
        ...(vmalert && vmalert.max > 0 ? [`${round(vmalert.max)} vmalert rule errors in 10 min at worst`] : []),
      ],
      steps: [
        promql(`sum by (rule_group) (increase(prometheus_rule_evaluation_failures_total${self}[10m])) > 0`),
        text("List the failing rules and their last error: curl -s <prometheus>/api/v1/rules | jq '.data.groups[].rules[] | select(.health==\"err\") | {name, lastError}'"),
        ...serverSteps(f),
      ],
    });
  }

  const ignored = stat(f, "rows_ignored");
  const remote = stat(f, "remote_write_failed");
  const ooo = stat(f, "out_of_order");
  const ingest = [
    ignored && ignored.max > 0 ? `${round(ignored.max)} rows/s ignored by VictoriaMetrics at peak (vm_rows_ignored_total)` : null,
    remote && remote.max > 0 ? `${round(remote.max)} samples/s failed to remote-write at peak` : null,
    ooo && ooo.max > 0 ? `${round(ooo.max)} samples/s rejected as out of order at peak` : null,
  ].filter((x): x is string => x !== null);
  if (ingest.length) {
    out.push({
      label: "suspected_ingestion_failure",
      category: "alerting_pipeline",
      title: "Samples are rejected on ingestion: data is silently missing",
      confidence: 80,
      why: ingest,
      steps: [
        ...(ignored ? [promql(`sum by (reason) (rate(vm_rows_ignored_total${self}[5m]))`)] : []),
        ...(remote ? [promql(`sum by (remote_name, url) (rate(prometheus_remote_storage_samples_failed_total${self}[5m]))`)] : []),
        ...(ooo ? [promql(`topk(10, sum by (job) (rate(prometheus_target_scrapes_sample_out_of_order_total[5m])))`)] : []),
        ...serverSteps(f),
      ],
    });
  }

  if (head && grew) {
    out.push({
      label: "suspected_high_cardinality",
      category: "high_cardinality",
      title: "Series count exploded: a new label or target adds series",
      confidence: 80,
      why: [`head series ${round(head.first)} → ${round(head.last)} (${(head.max / head.min).toFixed(1)}× inside the window)`],
      steps: [
        // Cheap per-job and per-target counts first; the all-series count is expensive, so it is bounded to one instant evaluation.
        promql("topk(10, sum by (job) (scrape_series_added))"),
        promql("topk(10, scrape_samples_post_metric_relabeling)"),
        text('Then, as an INSTANT query only (never a range query, it touches every series): topk(10, count by (__name__)({__name__=~".+"}))'),
        text("Or without touching series: curl -s <prometheus>/api/v1/status/tsdb | jq '.data.seriesCountByMetricName[:10]'"),
      ],
    });
  }

  const orphans = stat(f, "orphaned_spans");
  if (orphans && orphans.last >= 0.05) {
    out.push({
      label: "suspected_trace_context_loss",
      category: "config_error",
      title: "Trace context is lost between services: spans arrive without their parent",
      confidence: 75,
      why: [
        `${Math.round(orphans.last * 100)}% of spans are orphaned (peak ${Math.round(orphans.max * 100)}%), assuming traces_orphaned_spans_total and traces_spans_total count orphaned and all spans`,
        "usual causes: a hop that does not forward traceparent (proxy, queue, async job), or a sampler that is not parent-based",
      ],
      steps: [
        promql(queryOf("orphaned_spans")),
        ...(f.target.namespace && f.target.service ? [kubectl`-n ${f.target.namespace} get deploy -l app=${f.target.service} -o jsonpath='{..env[?(@.name=="OTEL_TRACES_SAMPLER")].value} {..env[?(@.name=="OTEL_PROPAGATORS")].value}'`] : []),
        text("Check that every hop forwards the traceparent header (and message-queue producers copy it into message headers)."),
      ],
    });
  }

  const up = stat(f, "self_up");
  const appended = stat(f, "samples_appended");
  const incident = [
    up && up.min < 1 ? `the ${f.alert.labels.job} scrape was down inside the window (up=0)` : null,
    appended && appended.first > 0 && appended.last < 0.1 * appended.first ? `ingestion collapsed: ${round(appended.first)} → ${round(appended.last)} samples/s` : null,
    f.lastTerminatedReason === "OOMKilled" ? `the server was OOMKilled (${f.restarts} restart(s))` : null,
  ].filter((x): x is string => x !== null);
  if (incident.length) {
    out.push({
      label: "suspected_prometheus_or_vm_incident",
      category: "alerting_pipeline",
      title: "The monitoring server itself is down or not ingesting",
      confidence: grew ? 70 : 80,
      why: incident,
      steps: [...(appended ? [promql(queryOf("samples_appended"))] : []), ...serverSteps(f)],
    });
  }
  return out;
}

export const observabilityPipeline = findingsModule({
  family: "observability_pipeline",
  needs: { k8s: "none", logs: false },
  queries,
  findings: (f) => [...findings(f), ...topicFindings(f), ...monitoringStackFindings(f)],
  unknowns: () => [
    "rule failures, rejected samples, series growth, orphaned spans and the server's own ingestion: none of them shows a problem in the window",
  ],
});
