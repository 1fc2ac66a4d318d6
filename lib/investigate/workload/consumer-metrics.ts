import { isDns1123Subdomain } from "../kubernetes-names";
import { selector, withMatcher } from "../promql";
import type { InstantSample } from "../providers/types";

/**
 * Broker metrics that can name who consumes: RabbitMQ's queue consumer series (a channel or
 * connection named `peer_ip:port -> broker:port`), kafka-lag-exporter's consumer-group series
 * (`member_host`, `client_id`, `consumer_id`), NATS JetStream consumer series (`consumer_name`).
 * Label values are escaped into the PromQL; nothing here is trusted to be a real name.
 */
export function consumerMetricsQuery(labels: Record<string, string>): string | null {
  if (labels.queue) {
    return withMatcher(selector({ queue: labels.queue, vhost: labels.vhost }), '__name__=~"rabbitmq_(detailed_)?queue_consumers"');
  }
  if (labels.consumergroup) {
    return withMatcher(selector({ group: labels.consumergroup, topic: labels.topic }), '__name__=~"kafka_consumergroup_group_(lag|max_lag|offset)"');
  }
  const consumer = labels.consumer_name ?? labels.consumer ?? labels.durable_name;
  if (consumer) {
    return withMatcher(selector({ consumer_name: consumer, stream_name: labels.stream ?? labels.stream_name }), '__name__=~"(nats|jetstream)_consumer_.*"');
  }
  return null;
}

/** Labels that carry the consuming client's address, and those that carry a pod-like client name. */
const addressLabels = ["member_host", "peer_host", "channel", "connection", "client_host"];
const nameLabels = ["consumer_pod", "client_pod", "client_id", "consumer_id", "client_name"];

export type ConsumerHint = { kind: "ip"; value: string; label: string } | { kind: "name"; value: string; label: string };

/** The client addresses and names the series carry, most frequent first, at most `limit`. */
export function consumerHints(samples: InstantSample[], limit = 5): ConsumerHint[] {
  const seen = new Map<string, { hint: ConsumerHint; n: number }>();
  const add = (hint: ConsumerHint) => {
    const key = `${hint.kind}:${hint.value}`;
    const had = seen.get(key);
    if (had) had.n += 1;
    else seen.set(key, { hint, n: 1 });
  };
  for (const s of samples) {
    for (const label of addressLabels) {
      const ip = s.metric[label]?.match(/\b(\d{1,3}(?:\.\d{1,3}){3})\b/)?.[1];
      if (ip && ip.split(".").every((o) => Number(o) <= 255)) add({ kind: "ip", value: ip, label });
    }
    for (const label of nameLabels) {
      // Client ids are often the pod name, or the pod name with a `-<n>` or `-<uuid>` suffix the client library adds.
      const v = s.metric[label]?.toLowerCase();
      if (v && v.length <= 253 && isDns1123Subdomain(v)) add({ kind: "name", value: v, label });
    }
  }
  return [...seen.values()].sort((a, b) => b.n - a.n).slice(0, limit).map((x) => x.hint);
}
