import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, placeholder, promql, sh, text, workloadRef } from "../commands";
import { type Features, stat } from "../features";
import { podSelector, selector, withMatcher } from "../promql";
import type { Step, Target } from "../report";
import { round } from "../triage";
import { type Finding, findingsModule } from "./findings";
import { alertExprQuery } from "./service-signals";
import { trendOf } from "./trend";
import type { MetricQuery } from "./types";

type Broker = "kafka" | "rabbitmq" | null;

/** kafka_exporter metrics when the alert names a consumer group, RabbitMQ exporter metrics when it names a queue. */
function brokerOf(alert: NormalizedAlert): Broker {
  if (alert.labels.consumergroup) return "kafka";
  if (alert.labels.queue) return "rabbitmq";
  return null;
}

function rates(alert: NormalizedAlert, offset = ""): { enqueue: string | null; dequeue: string | null } {
  const l = alert.labels;
  const o = offset ? ` offset ${offset}` : "";
  switch (brokerOf(alert)) {
    case "kafka":
      return {
        enqueue: l.topic ? `sum(rate(kafka_topic_partition_current_offset${selector({ topic: l.topic })}[5m]${o}))` : null,
        dequeue: `sum(rate(kafka_consumergroup_current_offset${selector({ consumergroup: l.consumergroup, topic: l.topic })}[5m]${o}))`,
      };
    case "rabbitmq": {
      const q = selector({ queue: l.queue, vhost: l.vhost });
      return {
        enqueue: `sum(rate(rabbitmq_queue_messages_published_total${q}[5m]${o}))`,
        dequeue: `sum(rate(rabbitmq_queue_messages_delivered_total${q}[5m]${o}))`,
      };
    }
    default:
      return { enqueue: null, dequeue: null };
  }
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const l = alert.labels;
  const out: MetricQuery[] = [...alertExprQuery(alert)];
  const broker = brokerOf(alert);
  if (broker === "kafka") {
    out.push(
      { id: "backlog", title: `Consumer group ${l.consumergroup} lag`, unit: "messages", query: `sum(kafka_consumergroup_lag${selector({ consumergroup: l.consumergroup, topic: l.topic })})` },
      { id: "consumers", title: `Consumer group ${l.consumergroup} members`, unit: "consumers", query: `max(kafka_consumergroup_members${selector({ consumergroup: l.consumergroup })})` },
    );
  } else if (broker === "rabbitmq") {
    const q = selector({ queue: l.queue, vhost: l.vhost });
    out.push(
      { id: "backlog", title: `Queue ${l.queue} ready messages`, unit: "messages", query: `sum(rabbitmq_queue_messages_ready${q})` },
      { id: "consumers", title: `Queue ${l.queue} consumers`, unit: "consumers", query: `sum(rabbitmq_queue_consumers${q})` },
    );
  }
  const r = rates(alert);
  if (r.enqueue) out.push({ id: "enqueue_rate", title: "Enqueue rate", unit: "msg/s", query: r.enqueue });
  if (r.dequeue) out.push({ id: "dequeue_rate", title: "Processing rate", unit: "msg/s", query: r.dequeue });
  if (t.namespace && (t.workload || t.pod)) {
    const sel = podSelector(t, { container: false });
    out.push({
      id: "worker_busy",
      title: "Worker CPU used of limit",
      unit: "ratio",
      query: `sum(rate(container_cpu_usage_seconds_total${withMatcher(sel, 'container!=""')}[5m])) / sum(kube_pod_container_resource_limits${withMatcher(sel, 'resource="cpu"')})`,
      threshold: 0.9,
    });
    if (t.workload) {
      const hpa = selector({ namespace: t.namespace, horizontalpodautoscaler: t.workload.name });
      out.push({ id: "hpa_at_max", title: "Worker replicas of the autoscaler's maximum", unit: "ratio", query: `max(kube_horizontalpodautoscaler_status_current_replicas${hpa}) / max(kube_horizontalpodautoscaler_spec_max_replicas${hpa})` });
    }
  }
  return out;
}

function consumersOf(f: Features): { count: number; source: string } | null {
  const c = stat(f, "consumers");
  if (c) return { count: c.last, source: "the broker" };
  const w = f.evidence.k8s.workload;
  return w ? { count: w.available, source: `${w.kind} ${w.name} available replicas` } : null;
}

function workerSteps(t: Target): Step[] {
  if (!t.namespace || !t.workload) return t.namespace ? [kubectl`-n ${t.namespace} get pods -o wide`] : [];
  const ref = workloadRef(t.workload);
  return [kubectl`-n ${t.namespace} get ${ref} -o wide`, kubectl`-n ${t.namespace} logs ${ref} --tail=200`];
}

function brokerStep(alert: NormalizedAlert): Step[] {
  const l = alert.labels;
  if (brokerOf(alert) === "kafka") return [text(`Per-partition lag and owners: ${sh`kafka-consumer-groups.sh --bootstrap-server <broker:9092> --describe --group ${l.consumergroup}`}`)];
  if (brokerOf(alert) === "rabbitmq") return [text(`Consumers and their prefetch: ${sh`rabbitmqctl list_consumers${l.vhost ? sh` -p ${l.vhost}` : null} | grep ${l.queue}`}`)];
  return [];
}

function findings(f: Features): Finding[] {
  const backlogId = stat(f, "backlog") ? "backlog" : "alert_expr";
  const backlog = trendOf(f, backlogId);
  if (!backlog || backlog.last < backlog.first * 0.9) return [];
  const t = f.target;
  const all = queries(t, f.alert);
  const q = (id: string) => all.find((x) => x.id === id)?.query ?? null;
  const growing = backlog.last > backlog.first * 1.1 || backlog.rising;
  const line = `backlog ${round(backlog.first)} → ${round(backlog.last)} messages over the window (${backlogId === "backlog" ? (q("backlog") ?? "") : "the alert's own expression"})`;
  const deq = trendOf(f, "dequeue_rate");
  const enq = trendOf(f, "enqueue_rate");
  const consumers = consumersOf(f);
  const busy = stat(f, "worker_busy");
  const hpa = stat(f, "hpa_at_max");
  const rateLine = (label: string, s: { first: number; last: number; max: number } | null) =>
    s ? `${label} ${round(s.first)} → ${round(s.last)} msg/s (peak ${round(s.max)})` : null;
  const out: Finding[] = [];

  if (consumers && consumers.count >= 1 && deq && deq.last < 0.01) {
    out.push({
      label: "suspected_stuck_consumers",
      category: "queue_starvation",
      title: "Consumers are attached but consume nothing",
      confidence: 85,
      why: [line, `${round(consumers.count)} consumer(s) (${consumers.source})`, rateLine("processing rate", deq) as string, "consumers are present yet take nothing off the queue: hung handlers, a blocked downstream or an unacked prefetch"],
      steps: [...workerSteps(t), ...brokerStep(f.alert), ...(q("dequeue_rate") ? [promql(q("dequeue_rate") as string)] : [])],
    });
  }
  if (!growing) return out;
  const baseline = enq ? (enq.first > 0 ? enq.first : enq.min) : 0;
  const spiked = enq && baseline > 0 && enq.max >= 2 * baseline;
  const processing = deq && deq.last >= 0.01 && deq.last >= 0.7 * deq.first;
  if (spiked && processing) {
    const r = rates(f.alert, "1d");
    out.push({
      label: "suspected_producer_spike",
      category: "saturation",
      title: "Producers enqueue far more than usual",
      confidence: 80,
      why: [line, rateLine("enqueue rate", enq) as string, `${(enq.max / baseline).toFixed(1)}× its rate at the start of the window`, `${rateLine("processing rate", deq)}: consumers work at their usual pace`],
      steps: [promql(q("enqueue_rate") as string), ...(r.enqueue ? [promql(r.enqueue)] : []), text("Find which producer or tenant sent the burst, and whether it is expected (batch, replay, retry storm).")],
    });
  }
  const noConsumers = consumers && consumers.count < 1;
  const saturated = (busy && busy.max >= 0.9) || (hpa && hpa.last >= 1);
  const flat = !deq || deq.last <= Math.max(deq.first, deq.min) * 1.25;
  if (noConsumers || (saturated && flat)) {
    const why = [line];
    if (noConsumers) why.push(`no consumer is attached (${consumers.source})`);
    if (busy && busy.max >= 0.9) why.push(`workers use ${Math.round(busy.max * 100)}% of their CPU limit at peak`);
    if (hpa && hpa.last >= 1) why.push("the autoscaler is at its maximum replicas");
    const deqLine = rateLine("processing rate", deq);
    if (deqLine) why.push(`${deqLine}: throughput does not grow with the backlog`);
    const ref = t.workload ? workloadRef(t.workload) : placeholder("consumer-workload");
    out.push({
      label: "suspected_worker_starvation",
      category: "queue_starvation",
      title: noConsumers ? "No consumer is processing the queue" : "Workers are saturated: the queue gets no more processing",
      confidence: noConsumers ? 85 : spiked ? 75 : 80,
      why,
      steps: [
        ...workerSteps(t),
        ...(q("worker_busy") ? [promql(q("worker_busy") as string)] : []),
        ...(t.namespace ? [kubectl`-n ${t.namespace} get hpa`] : []),
        text(`Add consumers if the downstream can take it: ${kubectl`${nsFlag(t.namespace)}scale ${ref} --replicas=<more>`.text}`),
      ],
    });
  }
  return out;
}

export const queueBacklog = findingsModule({
  family: "queue_backlog",
  needs: { k8s: "none", logs: false, resolve: true },
  queries,
  findings,
  unknowns(f) {
    const backlog = trendOf(f, stat(f, "backlog") ? "backlog" : "alert_expr");
    const out = [];
    if (!backlog) out.push("the backlog over the window (name the queue with a `queue` or `consumergroup` label, or keep the rule's generatorURL)");
    else if (backlog.last < backlog.first * 0.9) out.push(`the backlog is draining (${round(backlog.first)} → ${round(backlog.last)}): likely recovering`);
    out.push("enqueue and processing rates, and whether the consumers are saturated (name the consumer workload with a `deployment` label)");
    return out;
  },
});
