import { describe, expect, it } from "vitest";
import { consumerHints, consumerMetricsQuery } from "./consumer-metrics";

describe("consumerMetricsQuery", () => {
  it("escapes the queue, group and consumer names it puts in PromQL", () => {
    expect(consumerMetricsQuery({ queue: 'jobs"} or up{x="', vhost: "/" })).toBe(
      '{queue="jobs\\"} or up{x=\\"",vhost="/",__name__=~"rabbitmq_(detailed_)?queue_consumers"}',
    );
    expect(consumerMetricsQuery({ consumergroup: "billing", topic: "payments" })).toBe('{group="billing",topic="payments",__name__=~"kafka_consumergroup_group_(lag|max_lag|offset)"}');
    expect(consumerMetricsQuery({ consumer_name: "orders-durable", stream: "ORDERS" })).toBe('{consumer_name="orders-durable",stream_name="ORDERS",__name__=~"(nats|jetstream)_consumer_.*"}');
    expect(consumerMetricsQuery({ service: "api" })).toBeNull();
  });
});

describe("consumerHints", () => {
  it("takes client addresses from RabbitMQ channel names and pod-like client ids, most frequent first", () => {
    const hints = consumerHints([
      { metric: { queue: "q", channel: "10.244.1.5:43210 -> 10.244.0.9:5672 (1)" }, value: 1 },
      { metric: { group: "g", client_id: "Worker-7f9c-abcde-1", member_host: "/10.244.2.8" }, value: 5 },
      { metric: { group: "g", client_id: "worker-7f9c-abcde-1", member_host: "/10.244.2.8" }, value: 5 },
    ]);
    expect(hints).toEqual([
      { kind: "ip", value: "10.244.2.8", label: "member_host" },
      { kind: "name", value: "worker-7f9c-abcde-1", label: "client_id" },
      { kind: "ip", value: "10.244.1.5", label: "channel" },
    ]);
  });

  it("drops what is not an address or a Kubernetes name", () => {
    expect(consumerHints([{ metric: { client_id: "rdkafka; rm -rf /", peer_host: "999.1.1.1", consumer_pod: "a".repeat(300) }, value: 1 }])).toEqual([]);
  });
});
