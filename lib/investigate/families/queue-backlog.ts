import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, placeholder, promql, sh, text, workloadRef } from "../commands";
import { type Features, stat } from "../features";
import { podSelector, selector, withMatcher } from "../promql";
import type { Step, Target } from "../report";
import { round } from "../triage";
import { type Finding, findingsModule } from "./findings";
import { alertExprQuery } from "../alert-expression";
import { trendOf } from "./trend";
import { formatBytes } from "../units";
import type { MetricQuery } from "./types";

type Broker = "kafka" | "rabbitmq" | "sqs" | "nats" | null;

/**
 * kafka_exporter metrics when the alert names a consumer group, RabbitMQ exporter metrics when it names a
 * queue, CloudWatch (YACE or cloudwatch_exporter) metrics for an SQS queue name, prometheus-nats-exporter's
 * JetStream metrics for a stream or consumer.
 */
function brokerOf(alert: NormalizedAlert): Broker {
  const l = alert.labels;
  if (l.consumergroup) return "kafka";
  if (l.queue) return "rabbitmq";
  if (l.dimension_QueueName || l.queue_name) return "sqs";
  if (l.consumer_name || l.stream_name || l.durable_name || l.consumer || l.stream) return "nats";
  return null;
}

/** YACE names the queue `dimension_QueueName`, cloudwatch_exporter `queue_name`; the alert carries the exporter's label. */
function sqsSelector(l: Record<string, string>): string {
  return l.dimension_QueueName ? selector({ dimension_QueueName: l.dimension_QueueName, region: l.region }) : selector({ queue_name: l.queue_name, region: l.region });
}

function natsStream(l: Record<string, string>): string | undefined {
  return l.stream_name ?? l.stream;
}

function natsConsumer(l: Record<string, string>): string | undefined {
  return l.consumer_name ?? l.consumer ?? l.durable_name;
}

function natsSelector(l: Record<string, string>): string {
  return selector({ stream_name: natsStream(l), consumer_name: natsConsumer(l) });
}

/**
 * Messages in and out of the queue. CloudWatch hands SQS counts per period (5 min by default) as gauges,
 * so SQS rates are messages per period, not per second. JetStream's sequence gauges only grow: their rate
 * is what was published to the stream and what the consumer acknowledged.
 */
function rates(alert: NormalizedAlert, offset = ""): { enqueue: string | null; dequeue: string | null; unit: string } {
  const l = alert.labels;
  const o = offset ? ` offset ${offset}` : "";
  switch (brokerOf(alert)) {
    case "kafka":
      return {
        enqueue: l.topic ? `sum(rate(kafka_topic_partition_current_offset${selector({ topic: l.topic })}[5m]${o}))` : null,
        dequeue: `sum(rate(kafka_consumergroup_current_offset${selector({ consumergroup: l.consumergroup, topic: l.topic })}[5m]${o}))`,
        unit: "msg/s",
      };
    case "rabbitmq": {
      const q = selector({ queue: l.queue, vhost: l.vhost });
      return {
        enqueue: `sum(rate(rabbitmq_queue_messages_published_total${q}[5m]${o}))`,
        dequeue: `sum(rate(rabbitmq_queue_messages_delivered_total${q}[5m]${o}))`,
        unit: "msg/s",
      };
    }
    case "sqs": {
      const q = sqsSelector(l);
      return { enqueue: `sum(aws_sqs_number_of_messages_sent_sum${q}${o})`, dequeue: `sum(aws_sqs_number_of_messages_deleted_sum${q}${o})`, unit: "msg/period" };
    }
    case "nats":
      return {
        enqueue: natsStream(l) ? `max(rate(jetstream_stream_last_seq${selector({ stream_name: natsStream(l) })}[5m]${o}))` : null,
        dequeue: natsConsumer(l) ? `max(rate(jetstream_consumer_ack_floor_consumer_seq${natsSelector(l)}[5m]${o}))` : null,
        unit: "msg/s",
      };
    default:
      return { enqueue: null, dequeue: null, unit: "msg/s" };
  }
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const l = alert.labels;
  const out: MetricQuery[] = [...alertExprQuery(alert)];
  const broker = brokerOf(alert);
  if (isNatsServer(alert)) out.push(...natsServerQueries(alert));
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
  } else if (broker === "sqs") {
    const q = sqsSelector(l);
    const name = l.dimension_QueueName ?? l.queue_name;
    out.push(
      { id: "backlog", title: `SQS queue ${name} visible messages`, unit: "messages", query: `max(${withMatcher(q, '__name__=~"aws_sqs_approximate_number_of_messages_visible_(average|maximum)"')})` },
      { id: "in_flight", title: `SQS queue ${name} messages received but not deleted`, unit: "messages", query: `max(${withMatcher(q, '__name__=~"aws_sqs_approximate_number_of_messages_not_visible_(average|maximum)"')})` },
      { id: "received_rate", title: `SQS queue ${name} messages received by consumers`, unit: "msg/period", query: `sum(aws_sqs_number_of_messages_received_sum${q})` },
    );
  } else if (broker === "nats" && natsConsumer(l)) {
    const q = natsSelector(l);
    // Every replica of a clustered consumer reports it; the leader's copy is the largest.
    out.push(
      { id: "backlog", title: `JetStream consumer ${natsConsumer(l)} pending messages`, unit: "messages", query: `max(jetstream_consumer_num_pending${q})` },
      { id: "in_flight", title: `JetStream consumer ${natsConsumer(l)} messages awaiting ack`, unit: "messages", query: `max(jetstream_consumer_num_ack_pending${q})` },
      { id: "received_rate", title: `JetStream consumer ${natsConsumer(l)} deliveries`, unit: "msg/s", query: `max(rate(jetstream_consumer_delivered_consumer_seq${q}[5m]))` },
    );
  }
  const r = rates(alert);
  if (r.enqueue) out.push({ id: "enqueue_rate", title: "Enqueue rate", unit: r.unit, query: r.enqueue });
  if (r.dequeue) out.push({ id: "dequeue_rate", title: "Processing rate", unit: r.unit, query: r.dequeue });
  if (t.namespace && (t.workload || t.pod)) {
    const sel = podSelector(t, { container: false });
    out.push({
      id: "worker_busy",
      title: "Worker CPU used of limit",
      unit: "ratio",
      query: `sum(rate(container_cpu_usage_seconds_total${withMatcher(sel, 'container!=""')}[5m])) / sum(kube_pod_container_resource_limits${withMatcher(sel, 'resource="cpu"')})`,
      threshold: 0.9,
    });
    out.push({
      id: "worker_throttled",
      title: "Worker CPU periods throttled",
      unit: "ratio",
      query: `sum(rate(container_cpu_cfs_throttled_periods_total${withMatcher(sel, 'container!=""')}[5m])) / sum(rate(container_cpu_cfs_periods_total${withMatcher(sel, 'container!=""')}[5m]))`,
      threshold: 0.25,
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
  if (brokerOf(alert) === "sqs") {
    const region = l.region ? sh` --region ${l.region}` : null;
    return [
      text(`The queue's URL: ${sh`aws sqs get-queue-url${region} --queue-name ${l.dimension_QueueName ?? l.queue_name}`}`),
      text(`Its depth, in-flight count, visibility timeout and redrive policy: ${sh`aws sqs get-queue-attributes${region} --attribute-names All --queue-url ${placeholder("queue-url")}`}`),
    ];
  }
  if (brokerOf(alert) === "nats") {
    const stream = natsStream(l);
    const consumer = natsConsumer(l);
    return [text(`Pending, ack-pending, redeliveries and waiting pulls: ${stream && consumer ? sh`nats consumer info ${stream} ${consumer}` : sh`nats stream info ${stream ?? placeholder("stream")}`}`)];
  }
  return [];
}

/**
 * A NATS server alert (slow consumers, pending bytes) names no stream or consumer: the server cuts
 * clients that do not read fast enough, so prometheus-nats-exporter's varz/connz series for the
 * server the alert names are the evidence.
 */
function isNatsServer(alert: NormalizedAlert): boolean {
  return /^(Nats|NATS)|SlowConsumer/.test(alert.alertname) && brokerOf(alert) === null;
}

/** The server the alert names, as prometheus-nats-exporter labels it. */
function natsServerSelector(alert: NormalizedAlert): string {
  const l = alert.labels;
  return selector({ server_id: l.server_id, namespace: l.namespace, pod: l.pod, instance: l.instance });
}

function natsServerQueries(alert: NormalizedAlert): MetricQuery[] {
  const sel = natsServerSelector(alert);
  return [
    { id: "nats_slow_consumers", title: "NATS slow consumers cut (5m)", unit: "clients", query: `sum(increase(gnatsd_varz_slow_consumers${sel}[5m]))` },
    { id: "nats_pending_bytes", title: "NATS bytes pending to clients", unit: "bytes", query: `sum(gnatsd_connz_pending_bytes${sel})` },
    { id: "nats_connections", title: "NATS client connections", unit: "connections", query: `sum(gnatsd_varz_connections${sel})` },
    { id: "nats_max_connections", title: "NATS connection limit", unit: "connections", query: `sum(gnatsd_varz_max_connections${sel})` },
  ];
}

function natsServerFindings(f: Features): Finding[] {
  const slow = stat(f, "nats_slow_consumers");
  if (!slow || slow.max <= 0) return [];
  const pending = stat(f, "nats_pending_bytes");
  const conns = stat(f, "nats_connections");
  const max = stat(f, "nats_max_connections");
  const l = f.alert.labels;
  const ns = nsFlag(f.target.namespace ?? l.namespace);
  return [
    {
      label: "suspected_worker_starvation",
      category: "queue_starvation",
      title: "NATS clients read slower than messages arrive: the server cuts them as slow consumers",
      confidence: pending && pending.max > 0 ? 85 : 80,
      why: [
        `${round(slow.max)} slow consumer(s) cut in 5 min at worst (gnatsd_varz_slow_consumers)`,
        ...(pending ? [`${formatBytes(pending.max)} pending to clients at peak (gnatsd_connz_pending_bytes): subscribers do not drain their buffers`] : []),
        ...(conns ? [`${round(conns.last)} client connections${max && max.last > 0 ? ` of a ${round(max.last)} limit` : ""}`] : []),
        "a cut subscriber loses its in-flight core-NATS messages and reconnects; the slow client is the consumer to scale or fix",
      ],
      steps: [
        text(`Which clients are slow (pending bytes per connection): ${sh`nats server report connections --sort pending --top 10`}`),
        kubectl`${ns}logs ${l.pod ?? placeholder("nats-pod")} --tail=500 | grep -i ${"slow consumer"}`,
        promql(`sum(gnatsd_connz_pending_bytes${natsServerSelector(f.alert)})`),
        text("Scale or speed up the subscriber the log line names (its client name and address), or move it to a JetStream pull consumer so it reads at its own pace."),
      ],
    },
  ];
}

function findings(f: Features): Finding[] {
  if (isNatsServer(f.alert)) return natsServerFindings(f);
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
  const throttled = stat(f, "worker_throttled");
  const hpa = stat(f, "hpa_at_max");
  const unit = rates(f.alert).unit;
  const rateLine = (label: string, s: { first: number; last: number; max: number } | null) =>
    s ? `${label} ${round(s.first)} → ${round(s.last)} ${unit} (peak ${round(s.max)})` : null;
  const received = trendOf(f, "received_rate");
  const inFlight = stat(f, "in_flight");
  const holding = inFlight && inFlight.last >= 1;
  const out: Finding[] = [];

  if (((consumers && consumers.count >= 1) || holding) && deq && deq.last < 0.01) {
    out.push({
      label: "suspected_stuck_consumers",
      category: "queue_starvation",
      title: "Consumers are attached but consume nothing",
      confidence: 85,
      why: [
        line,
        ...(consumers && consumers.count >= 1 ? [`${round(consumers.count)} consumer(s) (${consumers.source})`] : []),
        ...(holding ? [`${round(inFlight.last)} message(s) handed to consumers and not yet acknowledged or deleted`] : []),
        rateLine("processing rate", deq) as string,
        "consumers are present yet take nothing off the queue: hung handlers, a blocked downstream or an unacked prefetch",
      ],
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
      steps: [promql(q("enqueue_rate") as string), ...(r.enqueue ? [promql(r.enqueue)] : []), ...brokerStep(f.alert), text("Find which producer or tenant sent the burst, and whether it is expected (batch, replay, retry storm).")],
    });
  }
  // A broker that counts no consumers still shows whether anyone fetches: nothing delivered and nothing held.
  const nobodyFetches = !!received && received.last < 0.01 && !holding;
  const noConsumers = (consumers && consumers.count < 1) || nobodyFetches;
  const saturated = (busy && busy.max >= 0.9) || (throttled && throttled.max >= 0.25) || (hpa && hpa.last >= 1);
  const flat = !deq || deq.last <= Math.max(deq.first, deq.min) * 1.25;
  if (noConsumers || (saturated && flat)) {
    const why = [line];
    if (consumers && consumers.count < 1) why.push(`no consumer is attached (${consumers.source})`);
    if (nobodyFetches) why.push(`${rateLine("deliveries to consumers", received)}, none held unacknowledged: no consumer fetches`);
    if (busy && busy.max >= 0.9) why.push(`workers use ${Math.round(busy.max * 100)}% of their CPU limit at peak`);
    if (throttled && throttled.max >= 0.25) why.push(`${Math.round(throttled.max * 100)}% of the workers' CPU periods throttled at peak: they are held back by their CPU limit`);
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
        ...brokerStep(f.alert),
        ...(q("worker_busy") ? [promql(q("worker_busy") as string)] : []),
        ...(q("worker_throttled") ? [promql(q("worker_throttled") as string)] : []),
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
    if (isNatsServer(f.alert)) return ["slow consumers cut by the NATS server or bytes pending to its clients (gnatsd_varz_slow_consumers, gnatsd_connz_pending_bytes from prometheus-nats-exporter)"];
    const backlog = trendOf(f, stat(f, "backlog") ? "backlog" : "alert_expr");
    const out = [];
    if (!backlog) out.push("the backlog over the window (name the queue with a `queue`, `consumergroup`, `consumer_name`/`stream_name` (NATS) or `queue_name`/`dimension_QueueName` (SQS) label, or keep the rule's generatorURL)");
    else if (backlog.last < backlog.first * 0.9) out.push(`the backlog is draining (${round(backlog.first)} → ${round(backlog.last)}): likely recovering`);
    out.push("enqueue and processing rates, and whether the consumers are saturated (name the consumer workload with a `deployment` label)");
    return out;
  },
});
