import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, placeholder, promql, text } from "../commands";
import { type Features, stat } from "../features";
import { escapeRegex, regexMatcher, selector, withMatcher } from "../promql";
import type { Step } from "../report";
import { round } from "../triage";
import { formatBytes, formatDuration, formatPercent } from "../units";
import type { Finding } from "./findings";
import type { MetricQuery } from "./types";

/**
 * The evidence the kube-prometheus runbooks name for the monitoring stack's own components (Prometheus'
 * storage, scrape limits and rule groups, prometheus-operator, Grafana, node-exporter's textfile
 * collector, kube-state-metrics shards, the Alertmanager cluster), one topic per group of alerts.
 */
type Topic = {
  alerts: RegExp;
  queries(alert: NormalizedAlert): MetricQuery[];
  findings(f: Features): Finding[];
};

/** The component's own series, scoped by the job/instance the alert carries. */
function selfOf(alert: NormalizedAlert): string {
  return selector({ job: alert.labels.job, instance: alert.labels.instance });
}

/** prometheus-operator's alerts aggregate by controller and namespace: that is all there is to scope by. */
function operatorOf(alert: NormalizedAlert): string {
  return selector({ namespace: alert.labels.namespace, job: alert.labels.job, controller: alert.labels.controller });
}

/** Matching log lines, only from the component's own pods when `from` names it (an alert scoped by namespace alone reads every pod there). */
function logLines(f: Features, pattern: RegExp, from?: string): string[] {
  return f.evidence.logs.entries.filter((e) => (!from || `${e.labels.pod ?? ""} ${e.labels.container ?? ""}`.includes(from)) && pattern.test(e.line)).map((e) => e.line);
}

/** The error of a logfmt line (its `err`, else its `msg`), which says more than the line's timestamped head. */
function excerpt(line: string): string {
  const field = line.match(/\berr="((?:[^"\\]|\\.)*)"/)?.[1] ?? line.match(/\bmsg="((?:[^"\\]|\\.)*)"/)?.[1];
  return (field ?? line).replace(/\\"/g, '"').slice(0, 200);
}

function logWhy(lines: string[]): string[] {
  return lines.length ? [`logs: ${lines.length} matching line(s), e.g. "${excerpt(lines[0] as string)}"`] : [];
}

/** `kubectl logs` of the alert's pod, or of the component's pods by their kube-prometheus name label. */
function componentLogs(f: Features, app: string, grep: string, container?: string): Step {
  const ns = nsFlag(f.target.namespace ?? f.alert.labels.namespace);
  const pod = f.alert.labels.pod;
  if (pod && container) return kubectl`${ns}logs ${pod} -c ${container} --tail=300 | grep -i -E ${grep}`;
  if (pod) return kubectl`${ns}logs ${pod} --tail=300 | grep -i -E ${grep}`;
  return kubectl`${ns}logs -l app.kubernetes.io/name=${app} --all-containers --tail=300 | grep -i -E ${grep}`;
}

/**
 * prometheus-operator names a server's PVC `<claim template>-<pod>` (`prometheus-k8s-db-prometheus-k8s-0`),
 * so the pod the alert names finds its volume in the kubelet's volume stats.
 */
function tsdbVolume(alert: NormalizedAlert): MetricQuery[] {
  const { namespace, pod } = alert.labels;
  if (!namespace || !pod) return [];
  const pvc = withMatcher(selector({ namespace }), regexMatcher("persistentvolumeclaim", `.+-${escapeRegex(pod)}`));
  return [
    { id: "tsdb_volume_used", title: "Prometheus volume used", unit: "ratio", query: `max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes${pvc} / kubelet_volume_stats_capacity_bytes${pvc})`, threshold: 0.9, maxSeries: 1 },
    { id: "tsdb_volume_capacity", title: "Prometheus volume capacity", unit: "bytes", query: `max(kubelet_volume_stats_capacity_bytes${pvc})` },
  ];
}

/** The fill level of the server's volume, or why it is not known. */
function tsdbVolumeLine(f: Features): { full: boolean; line: string } {
  const used = f.evidence.metrics.series.find((s) => s.id === "tsdb_volume_used" && s.stats);
  const capacity = stat(f, "tsdb_volume_capacity");
  if (!used?.stats) {
    const pod = f.alert.labels.pod;
    return { full: false, line: `unknown: Prometheus' volume fill level (no kubelet_volume_stats_* series for a PVC of ${pod ? `pod ${pod}` : "the server, whose pod the alert does not name"})` };
  }
  const pvc = used.labels.persistentvolumeclaim ?? "its PVC";
  const size = capacity ? ` of ${formatBytes(capacity.last)}` : "";
  return { full: used.stats.last >= 0.95, line: `Prometheus' volume ${pvc} ${formatPercent(used.stats.last)} full${size} (kubelet_volume_stats_used_bytes / capacity_bytes)` };
}

const tsdb: Topic = {
  alerts: /^PrometheusTSDB(Reloads|Compactions)Failing$/,
  queries: (alert) => {
    const self = selfOf(alert);
    return [
      { id: "tsdb_compactions_failed", title: "TSDB compactions failed (3h)", unit: "failures", query: `sum(increase(prometheus_tsdb_compactions_failed_total${self}[3h]))` },
      { id: "tsdb_reloads_failed", title: "TSDB block reloads failed (3h)", unit: "failures", query: `sum(increase(prometheus_tsdb_reloads_failures_total${self}[3h]))` },
      { id: "tsdb_blocks_bytes", title: "TSDB blocks on disk", unit: "bytes", query: `sum(prometheus_tsdb_storage_blocks_bytes${self})` },
      ...tsdbVolume(alert),
    ];
  },
  findings: (f) => {
    const compactions = stat(f, "tsdb_compactions_failed");
    const reloads = stat(f, "tsdb_reloads_failed");
    if (!(compactions && compactions.max > 0) && !(reloads && reloads.max > 0)) return [];
    const lines = logLines(f, /compact|reload blocks|corrupt|no space left|out of memory/i);
    const volume = tsdbVolumeLine(f);
    const diskFull = volume.full || lines.some((l) => /no space left/i.test(l));
    const l = f.alert.labels;
    const ns = nsFlag(f.target.namespace ?? l.namespace);
    return [
      {
        id: "suspected_tsdb_storage_failure",
        label: "suspected_prometheus_or_vm_incident",
        category: diskFull ? "disk_full" : "alerting_pipeline",
        title: diskFull ? "Prometheus' disk is full: TSDB compactions and block reloads fail" : "Prometheus' storage fails: TSDB compactions or block reloads fail",
        confidence: lines.length ? 85 : 80,
        why: [
          ...(compactions && compactions.max > 0 ? [`${round(compactions.max)} failed TSDB compactions in 3 h (prometheus_tsdb_compactions_failed_total)`] : []),
          ...(reloads && reloads.max > 0 ? [`${round(reloads.max)} failed TSDB block reloads in 3 h (prometheus_tsdb_reloads_failures_total)`] : []),
          volume.line,
          "uncompacted head data grows memory and disk use until the server is OOM-killed or the volume fills",
          ...logWhy(lines),
        ],
        steps: [
          componentLogs(f, "prometheus", "compact|reload|corrupt|no space", "prometheus"),
          kubectl`${ns}exec ${l.pod ?? placeholder("prometheus-pod")} -c prometheus -- df -h /prometheus`,
          kubectl`${ns}exec ${l.pod ?? placeholder("prometheus-pod")} -c prometheus -- promtool tsdb analyze /prometheus`,
          text("If a block is corrupt, move that block's directory (named in the log) out of the data directory and restart; if the volume is full, grow it or lower retention."),
        ],
      },
    ];
  },
};

const scrapeLimits: Record<string, { metric: string; what: string; setting: string }> = {
  PrometheusTargetLimitHit: { metric: "prometheus_target_scrape_pool_exceeded_target_limit_total", what: "scrape pools dropped all their targets for exceeding the target limit", setting: "targetLimit" },
  PrometheusLabelLimitHit: { metric: "prometheus_target_scrape_pool_exceeded_label_limits_total", what: "scrapes were dropped for exceeding a label limit", setting: "labelLimit / labelNameLengthLimit / labelValueLengthLimit" },
  PrometheusScrapeBodySizeLimitHit: { metric: "prometheus_target_scrapes_exceeded_body_size_limit_total", what: "scrapes were dropped for exceeding the body size limit", setting: "bodySizeLimit" },
  PrometheusScrapeSampleLimitHit: { metric: "prometheus_target_scrapes_exceeded_sample_limit_total", what: "scrapes were dropped for exceeding the sample limit", setting: "sampleLimit" },
};

/**
 * The limit counters carry only the Prometheus that counts them. The pools and targets over a limit
 * come from the scrape pools' own gauges (target limit) and each target's report series
 * (`scrape_sample_limit`, `scrape_body_size_bytes` need --enable-feature=extra-scrape-metrics; a target
 * that answers with samples and is still marked down is what a label or size limit leaves otherwise).
 */
function offendersOf(alertname: string, self: string): MetricQuery[] {
  if (alertname === "PrometheusTargetLimitHit") {
    return [
      { id: "limit_pools", title: "Scrape pools over their target limit", unit: "targets", query: `max by (scrape_job) (prometheus_target_scrape_pool_targets${self}) > max by (scrape_job) (prometheus_target_scrape_pool_target_limit${self} > 0)`, maxSeries: 10 },
      { id: "limit_pool_limits", title: "Target limit of each scrape pool", unit: "targets", query: `max by (scrape_job) (prometheus_target_scrape_pool_target_limit${self} > 0)`, maxSeries: 50 },
    ];
  }
  const refused = { id: "limit_refused_targets", title: "Targets that answer with samples but are marked down", unit: "samples", query: "topk(10, scrape_samples_scraped > 0 and up == 0)", maxSeries: 10 };
  if (alertname === "PrometheusScrapeSampleLimitHit") {
    return [{ id: "limit_targets", title: "Targets at or over their sample_limit (samples after relabelling)", unit: "samples", query: "topk(10, scrape_samples_post_metric_relabeling >= (scrape_sample_limit > 0))", maxSeries: 10 }, refused];
  }
  if (alertname === "PrometheusScrapeBodySizeLimitHit") {
    return [{ id: "limit_targets", title: "Targets whose last scrape exceeded body_size_limit", unit: "bytes", query: "topk(10, scrape_body_size_bytes == -1)", maxSeries: 10 }, refused];
  }
  return [refused];
}

/** `namespace/pod` (or the job and instance) of each series of a per-target query, with its value. */
function offenders(f: Features, id: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return f.evidence.metrics.series
    .filter((s) => (s.id === id || s.id.startsWith(`${id}#`)) && s.stats)
    .map((s) => {
      const l = s.labels;
      const where = l.pod ? `${l.namespace ? `${l.namespace}/` : ""}${l.pod}` : (l.instance ?? "");
      const name = l.scrape_job ?? [l.job && `job ${l.job}`, where].filter(Boolean).join(" ");
      return { name, labels: l, value: s.stats?.max ?? 0 };
    })
    .filter((o) => o.name);
}

const limits: Topic = {
  alerts: /^Prometheus(TargetLimitHit|LabelLimitHit|ScrapeBodySizeLimitHit|ScrapeSampleLimitHit)$/,
  queries: (alert) => {
    const limit = scrapeLimits[alert.alertname];
    if (!limit) return [];
    const self = selfOf(alert);
    return [{ id: "scrape_limit_hits", title: `Scrapes over a limit (10m, ${limit.metric})`, unit: "scrapes", query: `sum(increase(${limit.metric}${self}[10m]))` }, ...offendersOf(alert.alertname, self)];
  },
  findings: (f) => {
    const limit = scrapeLimits[f.alert.alertname];
    const hits = stat(f, "scrape_limit_hits");
    if (!limit || !hits || hits.max <= 0) return [];
    const target = f.alert.alertname === "PrometheusTargetLimitHit";
    const limitOf = new Map(offenders(f, "limit_pool_limits").map((o) => [o.name, o.value]));
    const named = target
      ? offenders(f, "limit_pools").map((o) => ({ ...o, line: `scrape pool ${o.name}: ${round(o.value)} targets${limitOf.has(o.name) ? ` over its target_limit of ${round(limitOf.get(o.name) as number)}` : " over its target_limit"}` }))
      : [
          ...offenders(f, "limit_targets").map((o) => ({ ...o, line: o.value < 0 ? `target ${o.name}: last scrape over body_size_limit (scrape_body_size_bytes -1)` : `target ${o.name}: ${round(o.value)} samples after relabelling, at or over its sample_limit` })),
          ...offenders(f, "limit_refused_targets").map((o) => ({ ...o, line: `target ${o.name}: answered with ${round(o.value)} samples yet marked down (up 0), the shape of a refused scrape` })),
        ].filter((o, i, all) => all.findIndex((x) => x.name === o.name) === i);
    const which = named.length
      ? named.slice(0, 5).map((o) => o.line)
      : [target ? "which scrape pool is over its limit is not known (no prometheus_target_scrape_pool_targets/target_limit series)" : "which targets hit the limit is not known from metrics (no scrape_sample_limit/scrape_body_size_bytes series, and no target answering while marked down)"];
    return [
      {
        id: "suspected_scrape_limit_hit",
        label: "suspected_ingestion_failure",
        category: "alerting_pipeline",
        title: "Scrapes are refused for exceeding a configured limit: those targets' samples are all missing",
        confidence: named.length ? 85 : 80,
        why: [`${round(hits.max)} ${limit.what} in 10 min at worst (${limit.metric})`, ...which, "a scrape over its limit is dropped whole, so every series of those targets goes stale"],
        steps: [
          ...named.slice(0, 3).map((o) => (target ? promql(`prometheus_target_scrape_pool_targets${selector({ scrape_job: o.labels.scrape_job })}`) : promql(`scrape_samples_scraped${selector({ job: o.labels.job, instance: o.labels.instance })}`))),
          text("Which targets, and the limit each one hit: curl -s <prometheus>/api/v1/targets | jq '.data.activeTargets[] | select(.lastError | test(\"limit\")) | {scrapePool, scrapeUrl, lastError}'"),
          ...(named.length ? [] : [promql(target ? "topk(10, sum by (scrape_job) (prometheus_target_scrape_pool_targets))" : "topk(10, max by (job) (scrape_samples_post_metric_relabeling))")]),
          text(`Raise ${limit.setting} on the ServiceMonitor/PodMonitor${named.length ? ` of ${named.slice(0, 3).map((o) => (target ? o.name : (o.labels.job ?? o.name))).filter((x, i, a) => a.indexOf(x) === i).join(", ")}` : ""} (or the Prometheus resource's enforced limit), or drop the offending series with metricRelabelings.`),
        ],
      },
    ];
  },
};

const duplicates: Topic = {
  alerts: /^PrometheusDuplicateTimestamps$/,
  queries: (alert) => [
    { id: "duplicate_timestamps", title: "Samples dropped for a duplicate timestamp", unit: "samples/s", query: `sum(rate(prometheus_target_scrapes_sample_duplicate_timestamp_total${selfOf(alert)}[5m]))` },
  ],
  findings: (f) => {
    const dup = stat(f, "duplicate_timestamps");
    if (!dup || dup.max <= 0) return [];
    const lines = logLines(f, /same timestamp|duplicate sample/i);
    return [
      {
        id: "suspected_duplicate_timestamps",
        label: "suspected_ingestion_failure",
        category: "alerting_pipeline",
        title: "Targets expose the same series twice with different values: those samples are dropped",
        confidence: 80,
        why: [`${round(dup.max)} samples/s dropped at peak for a duplicate timestamp (prometheus_target_scrapes_sample_duplicate_timestamp_total)`, "usual causes: an exporter exposing one series twice, or relabeling that removes the label telling two series apart", ...logWhy(lines)],
        steps: [componentLogs(f, "prometheus", "same timestamp|duplicate", "prometheus"), text("The log names the target; fetch its /metrics and look for a series printed twice, or check the ServiceMonitor's relabelings for a dropped distinguishing label.")],
      },
    ];
  },
};

const ruleGroups: Topic = {
  alerts: /^PrometheusMissingRuleEvaluations$/,
  queries: (alert) => {
    const self = selfOf(alert);
    return [
      { id: "rule_iterations_missed", title: "Rule group evaluations missed (10m)", unit: "evaluations", query: `sum(increase(prometheus_rule_group_iterations_missed_total${self}[10m]))` },
      { id: "rule_group_duration_ratio", title: "Slowest rule group: evaluation time / interval", unit: "ratio", query: `max(prometheus_rule_group_last_duration_seconds${self} / prometheus_rule_group_interval_seconds${self})`, threshold: 1 },
    ];
  },
  findings: (f) => {
    const missed = stat(f, "rule_iterations_missed");
    const ratio = stat(f, "rule_group_duration_ratio");
    if (!missed || missed.max <= 0) return [];
    const self = selfOf(f.alert);
    return [
      {
        id: "suspected_rule_group_too_slow",
        label: "suspected_alerting_rules_error",
        category: "alerting_pipeline",
        title: "A rule group takes longer than its interval: evaluations are skipped",
        confidence: ratio && ratio.max >= 1 ? 85 : 70,
        why: [
          `${round(missed.max)} rule group evaluations missed in 10 min at worst (prometheus_rule_group_iterations_missed_total)`,
          ...(ratio ? [`the slowest group needs ${formatPercent(ratio.max)} of its interval at peak${ratio.max >= 1 ? ": it cannot finish before the next evaluation is due" : ""}`] : []),
        ],
        steps: [
          promql(`topk(5, prometheus_rule_group_last_duration_seconds${self} / prometheus_rule_group_interval_seconds${self})`),
          text("Split the slow group, give it a longer interval, or make its heaviest rules cheaper (recording rules underneath, fewer series)."),
        ],
      },
    ];
  },
};

const queryLoad: Topic = {
  alerts: /^PrometheusHighQueryLoad$/,
  queries: (alert) => {
    const self = selfOf(alert);
    return [{ id: "query_concurrency", title: "Queries running / maximum concurrency", unit: "ratio", query: `max(prometheus_engine_queries${self} / prometheus_engine_queries_concurrent_max${self})`, threshold: 0.8 }];
  },
  findings: (f) => {
    const load = stat(f, "query_concurrency");
    if (!load || load.max < 0.8) return [];
    return [
      {
        id: "suspected_query_overload",
        label: "suspected_prometheus_or_vm_incident",
        category: "saturation",
        title: "Prometheus runs at its query concurrency limit: further queries queue",
        confidence: 75,
        why: [`${formatPercent(load.max)} of the concurrent query slots in use at peak (${formatPercent(load.last)} now)`, "dashboards, rules and API clients queue behind each other; rule evaluations may be missed"],
        steps: [
          text("Find the heavy queries: enable the query log (queryLogFile on the Prometheus resource) and sort by execution time, or check Grafana dashboards with short refresh intervals."),
          promql(`rate(prometheus_engine_query_duration_seconds_sum${selfOf(f.alert)}[5m])`),
        ],
      },
    ];
  },
};

const operatorErrors: Record<string, { id: string; title: string; query: (sel: string) => string; unit: string; say: (max: number, last: number) => string }> = {
  PrometheusOperatorReconcileErrors: {
    id: "operator_reconcile_error_ratio",
    title: "prometheus-operator reconcile errors / reconciliations",
    unit: "ratio",
    query: (s) => `sum(rate(prometheus_operator_reconcile_errors_total${s}[5m])) / sum(rate(prometheus_operator_reconcile_operations_total${s}[5m]))`,
    say: (max, last) => `${formatPercent(max)} of reconciliations failed at peak (${formatPercent(last)} now; prometheus_operator_reconcile_errors_total)`,
  },
  PrometheusOperatorSyncFailed: {
    id: "operator_syncs_failed",
    title: "prometheus-operator objects whose last sync failed",
    unit: "objects",
    query: (s) => `sum(prometheus_operator_syncs${withMatcher(s, 'status="failed"')})`,
    say: (max) => `${round(max)} managed object(s) failed their last sync (prometheus_operator_syncs{status="failed"})`,
  },
  PrometheusOperatorStatusUpdateErrors: {
    id: "operator_status_update_error_ratio",
    title: "prometheus-operator status update errors / updates",
    unit: "ratio",
    query: (s) => `sum(rate(prometheus_operator_status_update_errors_total${s}[5m])) / sum(rate(prometheus_operator_status_update_operations_total${s}[5m]))`,
    say: (max) => `${formatPercent(max)} of status updates failed at peak (prometheus_operator_status_update_errors_total)`,
  },
};

const operator: Topic = {
  alerts: /^PrometheusOperator(ReconcileErrors|SyncFailed|StatusUpdateErrors|NotReady|RejectedResources|NodeLookupErrors)$/,
  queries: (alert) => {
    const sel = operatorOf(alert);
    const known = operatorErrors[alert.alertname];
    if (known) return [{ id: known.id, title: known.title, unit: known.unit, query: known.query(sel) }];
    if (alert.alertname === "PrometheusOperatorNotReady") return [{ id: "operator_ready", title: "prometheus-operator controller ready", unit: "bool", query: `min(prometheus_operator_ready${sel})` }];
    if (alert.alertname === "PrometheusOperatorRejectedResources") {
      const rejected = withMatcher(selector({ namespace: alert.labels.namespace, controller: alert.labels.controller, resource: alert.labels.resource }), 'state="rejected"');
      return [{ id: "operator_rejected", title: "Resources the operator rejected", unit: "resources", query: `sum(prometheus_operator_managed_resources${rejected})` }];
    }
    return [{ id: "operator_node_lookup_errors", title: "Node address lookup errors", unit: "errors/s", query: `sum(rate(prometheus_operator_node_address_lookup_errors_total${selector({ namespace: alert.labels.namespace, job: alert.labels.job, instance: alert.labels.instance })}[5m]))` }];
  },
  findings: (f) => {
    const l = f.alert.labels;
    const ns = f.target.namespace ?? l.namespace ?? "monitoring";
    const controller = l.controller ? ` for ${l.controller}` : "";
    const logs = (grep: string) => kubectl`-n ${ns} logs -l app.kubernetes.io/name=prometheus-operator --tail=300 | grep -i -E ${grep}`;
    const lines = logLines(f, /level=error|err=|forbidden|invalid|rejected|failed/i, "prometheus-operator");
    const known = operatorErrors[f.alert.alertname];
    if (f.alert.alertname === "PrometheusOperatorNotReady") {
      const ready = stat(f, "operator_ready");
      if (!ready || ready.min >= 1) return [];
      return [
        {
          id: "suspected_operator_not_ready",
          label: "suspected_prometheus_or_vm_incident",
          category: "alerting_pipeline",
          title: `prometheus-operator is not ready${controller}: monitoring resources are not reconciled`,
          confidence: 80,
          why: [`prometheus_operator_ready${controller} was 0 inside the window${ready.last < 1 ? " and still is" : ""}`, ...logWhy(lines)],
          steps: [kubectl`-n ${ns} get deploy,pods -l app.kubernetes.io/name=prometheus-operator -o wide`, logs("error|fail|forbidden|cache"), kubectl`-n ${ns} describe deploy -l app.kubernetes.io/name=prometheus-operator`],
        },
      ];
    }
    if (known) {
      const s = stat(f, known.id);
      if (!s || s.max <= 0) return [];
      const forbidden = lines.some((x) => /forbidden|unauthorized/i.test(x));
      return [
        {
          id: "suspected_operator_reconcile_failure",
          label: "suspected_config_reload_failure",
          category: forbidden ? "permission_error" : "config_error",
          title: `prometheus-operator fails to reconcile${controller}: changes to monitoring resources are not applied`,
          confidence: lines.length ? 85 : 75,
          why: [known.say(s.max, s.last), ...logWhy(lines)],
          steps: [
            logs("error|fail|forbidden|invalid"),
            kubectl`auth can-i --list --as=system:serviceaccount:${ns}:prometheus-operator`,
            promql(`sum by (controller) (rate(prometheus_operator_reconcile_errors_total${selector({ namespace: l.namespace })}[5m]))`),
          ],
        },
      ];
    }
    if (f.alert.alertname === "PrometheusOperatorRejectedResources") {
      const rejected = stat(f, "operator_rejected");
      if (!rejected || rejected.max <= 0) return [];
      return [
        {
          id: "suspected_rejected_resources",
          label: "suspected_config_reload_failure",
          category: "config_error",
          title: `prometheus-operator rejects ${l.resource ?? "monitoring resources"}: they are left out of the generated configuration`,
          confidence: 85,
          why: [`${round(rejected.last)} ${l.resource ?? "resource(s)"} rejected${controller} (prometheus_operator_managed_resources{state="rejected"})`, ...logWhy(lines)],
          steps: [
            kubectl`get events -A --field-selector reason=InvalidConfiguration`,
            logs("rejected|invalid|unmarshal"),
            ...(l.resource ? [kubectl`get ${l.resource} -A`] : []),
          ],
        },
      ];
    }
    const lookups = stat(f, "operator_node_lookup_errors");
    if (!lookups || lookups.max <= 0) return [];
    return [
      {
        id: "suspected_operator_node_lookup_failure",
        label: "suspected_service_discovery_failure",
        category: "scrape_failure",
        title: "prometheus-operator cannot find node addresses: the kubelet Service it manages goes stale",
        confidence: 75,
        why: [`${round(lookups.max)} node address lookup errors/s at peak (prometheus_operator_node_address_lookup_errors_total)`, "nodes without a usable InternalIP are left out of the kubelet endpoints, so their kubelet and cAdvisor metrics are missing", ...logWhy(lines)],
        steps: [kubectl`describe service -n kube-system -l app.kubernetes.io/managed-by=prometheus-operator`, kubectl`get nodes -o wide`, logs("node|address")],
      },
    ];
  },
};

const grafana: Topic = {
  alerts: /^GrafanaRequestsFailing$/,
  queries: (alert) => {
    const sel = selector({ namespace: alert.labels.namespace, job: alert.labels.job, handler: alert.labels.handler });
    return [
      {
        id: "grafana_5xx_ratio",
        title: `Grafana 5xx answers${alert.labels.handler ? ` on ${alert.labels.handler}` : ""}`,
        unit: "ratio",
        query: `sum(rate(grafana_http_request_duration_seconds_count${withMatcher(sel, 'status_code=~"5.."')}[5m])) / sum(rate(grafana_http_request_duration_seconds_count${sel}[5m]))`,
        threshold: 0.5,
      },
    ];
  },
  findings: (f) => {
    const ratio = stat(f, "grafana_5xx_ratio");
    if (!ratio || ratio.max <= 0) return [];
    const l = f.alert.labels;
    const lines = logLines(f, /level=error|status=5\d\d/i, "grafana");
    return [
      {
        id: "suspected_grafana_errors",
        label: "suspected_prometheus_or_vm_incident",
        category: "alerting_pipeline",
        title: `Grafana fails its own requests${l.handler ? ` on ${l.handler}` : ""}`,
        confidence: lines.length ? 80 : 70,
        why: [`${formatPercent(ratio.max)} of requests answered 5xx at peak (${formatPercent(ratio.last)} now; grafana_http_request_duration_seconds_count)`, ...logWhy(lines)],
        steps: [
          componentLogs(f, "grafana", "level=error|status=5"),
          promql(`topk(5, sum by (handler) (rate(grafana_http_request_duration_seconds_count${withMatcher(selector({ namespace: l.namespace, job: l.job }), 'status_code=~"5.."')}[5m])))`),
          text("Check Grafana's database (sqlite volume or external SQL) and the datasource the failing handler proxies to."),
        ],
      },
    ];
  },
};

const textfile: Topic = {
  alerts: /^NodeTextFileCollectorScrapeError$/,
  queries: (alert) => {
    const self = selfOf(alert);
    return [
      { id: "textfile_scrape_error", title: "Textfile collector read error", unit: "bool", query: `max(node_textfile_scrape_error${self})` },
      { id: "textfile_oldest_age", title: "Oldest textfile collector file's age", unit: "seconds", query: `time() - min(node_textfile_mtime_seconds${self})` },
    ];
  },
  findings: (f) => {
    const error = stat(f, "textfile_scrape_error");
    if (!error || error.max < 1) return [];
    const age = stat(f, "textfile_oldest_age");
    const lines = logLines(f, /textfile/i);
    return [
      {
        id: "suspected_textfile_collector_error",
        label: "suspected_ingestion_failure",
        category: "scrape_failure",
        title: "node-exporter cannot read a textfile-collector file: the metrics its script writes are missing",
        confidence: lines.length ? 85 : 75,
        why: [
          `node_textfile_scrape_error=1 on ${f.alert.labels.instance ?? "the node"}${error.last < 1 ? " inside the window (cleared now)" : ""}`,
          ...(age && age.last > 3600 ? [`the oldest .prom file was last written ${formatDuration(age.last)} ago: the script that writes it may have stopped`] : []),
          ...logWhy(lines),
        ],
        steps: [
          componentLogs(f, "node-exporter", "textfile"),
          text("On the node, check the script's cron job or systemd timer (systemctl list-timers; journalctl -u <unit>) and validate the file: promtool check metrics < <file>.prom"),
        ],
      },
    ];
  },
};

const ksmShards: Topic = {
  alerts: /^KubeStateMetricsShard(ingMismatch|sMissing)$/,
  queries: (alert) => {
    const sel = selector({ cluster: alert.labels.cluster });
    return [
      { id: "ksm_shard_configs", title: "Distinct --total-shards values among kube-state-metrics pods", unit: "values", query: `count(count_values("total", kube_state_metrics_total_shards${sel}))` },
      { id: "ksm_shards_expected", title: "kube-state-metrics shards configured", unit: "shards", query: `max(kube_state_metrics_total_shards${sel})` },
      { id: "ksm_shards_reporting", title: "kube-state-metrics shard ordinals reporting", unit: "shards", query: `count(count by (shard_ordinal) (kube_state_metrics_shard_ordinal${sel}))` },
    ];
  },
  findings: (f) => {
    const configs = stat(f, "ksm_shard_configs");
    const expected = stat(f, "ksm_shards_expected");
    const reporting = stat(f, "ksm_shards_reporting");
    const mismatch = !!configs && configs.last > 1;
    const missing = !!expected && !!reporting && reporting.last < expected.last;
    if (!mismatch && !missing) return [];
    return [
      {
        id: "suspected_ksm_shards_inconsistent",
        label: "suspected_ingestion_failure",
        category: mismatch ? "config_error" : "scrape_failure",
        title: mismatch ? "kube-state-metrics shards disagree on the shard count: objects are exported twice or not at all" : "kube-state-metrics shards are missing: the objects they own have no kube_* series",
        confidence: 80,
        why: [
          ...(mismatch ? [`${round(configs.last)} different --total-shards values among the kube-state-metrics pods`] : []),
          ...(missing ? [`${round(reporting.last)} of ${round(expected.last)} shards report (kube_state_metrics_shard_ordinal)`] : []),
        ],
        steps: [kubectl`get pods -A -l app.kubernetes.io/name=kube-state-metrics -o wide`, kubectl`get statefulsets,deployments -A -l app.kubernetes.io/name=kube-state-metrics`, text("Check each shard's logs and whether a shard pod was evicted or cannot reach the API server (network policies, service account token).")],
      },
    ];
  },
};

const amCluster: Topic = {
  alerts: /^Alertmanager(MembersInconsistent|ClusterFailedPeers|ClusterDown|ClusterCrashlooping)$/,
  queries: (alert) => {
    const self = selfOf(alert);
    const service = selector({ namespace: alert.labels.namespace, service: alert.labels.service });
    return [
      ...(alert.labels.job || alert.labels.instance
        ? [
            { id: "am_cluster_members", title: "Cluster members this Alertmanager sees", unit: "members", query: `min(alertmanager_cluster_members${self})` },
            { id: "am_failed_peers", title: "Alertmanager peers failing", unit: "peers", query: `max(alertmanager_cluster_failed_peers${self})` },
          ]
        : []),
      ...(alert.labels.service
        ? [
            { id: "am_replicas_up", title: "Share of Alertmanager replicas up", unit: "ratio", query: `avg(up${service})` },
            { id: "am_restarts", title: "Alertmanager restarts (10m, most restarted replica)", unit: "restarts", query: `max(changes(process_start_time_seconds${service}[10m]))` },
            { id: "am_replicas", title: "Alertmanager replicas scraped", unit: "replicas", query: `count(up${service})` },
          ]
        : []),
    ];
  },
  findings: (f) => {
    const members = stat(f, "am_cluster_members");
    const failed = stat(f, "am_failed_peers");
    const up = stat(f, "am_replicas_up");
    const restarts = stat(f, "am_restarts");
    const replicas = stat(f, "am_replicas");
    const l = f.alert.labels;
    const ns = nsFlag(f.target.namespace ?? l.namespace);
    const out: Finding[] = [];
    const split = [
      members && replicas && members.min < replicas.last ? `this Alertmanager sees ${round(members.min)} cluster member(s) of ${round(replicas.last)} replicas at worst` : null,
      failed && failed.max > 0 ? `${round(failed.max)} peer(s) failing at peak (alertmanager_cluster_failed_peers)` : null,
    ].filter((x): x is string => x !== null);
    if (split.length) {
      out.push({
        id: "suspected_alertmanager_cluster_split",
        label: "suspected_notification_failure",
        category: "network",
        title: "Alertmanager replicas do not form one cluster: notifications may be duplicated or silences lost",
        confidence: 75,
        why: split,
        steps: [...(l.service ? [kubectl`${ns}describe service ${l.service}`] : []), kubectl`${ns}get pods -l app.kubernetes.io/name=alertmanager -o wide`, componentLogs(f, "alertmanager", "cluster|gossip|memberlist|peer")],
      });
    }
    const down = [
      up && up.min < 1 ? `only ${formatPercent(up.min)} of the Alertmanager replicas up at worst` : null,
      restarts && restarts.max > 2 ? `a replica restarted ${round(restarts.max)} times in 10 min (process_start_time_seconds)` : null,
    ].filter((x): x is string => x !== null);
    if (down.length) {
      out.push({
        id: "suspected_alertmanager_down",
        label: "suspected_prometheus_or_vm_incident",
        category: "alerting_pipeline",
        title: "Alertmanager replicas are down or restarting: alerts may not be delivered",
        confidence: 80,
        why: down,
        steps: [kubectl`${ns}get pods -l app.kubernetes.io/name=alertmanager -o wide`, kubectl`${ns}get events --field-selector involvedObject.kind=Pod --sort-by=.lastTimestamp`, kubectl`${ns}logs -l app.kubernetes.io/name=alertmanager -c alertmanager --previous --tail=100`],
      });
    }
    return out;
  },
};

const topics: Topic[] = [tsdb, limits, duplicates, ruleGroups, queryLoad, operator, grafana, textfile, ksmShards, amCluster];

export function monitoringStackQueries(alert: NormalizedAlert): MetricQuery[] {
  return topics.filter((t) => t.alerts.test(alert.alertname)).flatMap((t) => t.queries(alert));
}

export function monitoringStackFindings(f: Features): Finding[] {
  return topics.filter((t) => t.alerts.test(f.alert.alertname)).flatMap((t) => t.findings(f));
}
