import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, promql, text } from "../commands";
import { type Features, stat } from "../features";
import { selector, withMatcher } from "../promql";
import type { Step, Target } from "../report";
import { round } from "../triage";
import { type Finding, findingsModule } from "./findings";
import { alertExprQuery } from "./service-signals";
import { trendOf } from "./trend";
import type { MetricQuery } from "./types";

/** The monitoring server's own series, scoped by the job/instance the alert carries. */
function selfSelector(alert: NormalizedAlert): string {
  return selector({ job: alert.labels.job, instance: alert.labels.instance });
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const self = selfSelector(alert);
  const spans = selector({ namespace: t.namespace, service: t.service });
  const out: MetricQuery[] = [
    ...alertExprQuery(alert),
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
    {
      id: "orphaned_spans",
      title: "Share of spans whose parent never arrived (assumed metrics)",
      unit: "ratio",
      query: `sum(rate(traces_orphaned_spans_total${spans}[5m])) / sum(rate(traces_spans_total${spans}[5m]))`,
      threshold: 0.05,
    },
  ];
  if (alert.labels.job) out.push({ id: "self_up", title: `Scrape of ${alert.labels.job} up`, unit: "bool", query: `min(up${self})` });
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
  findings,
  unknowns: () => [
    "rule failures, rejected samples, series growth, orphaned spans and the server's own ingestion: none of them shows a problem in the window",
  ],
});
