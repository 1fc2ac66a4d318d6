import { describe, expect, it } from "vitest";
import { consumerCandidates, queueNameOf } from "./queue-consumer";
import { parseAddress, scrapedAddress } from "./scraped-address";

describe("parseAddress", () => {
  it("reads Service names with and without their namespace, and pod IPs", () => {
    expect(parseAddress("orders-db.orders.svc.cluster.local:5432")).toEqual({ kind: "service", text: "orders-db.orders.svc.cluster.local:5432", service: "orders-db", namespace: "orders" });
    expect(parseAddress("redis://:secret@redis-master.cache.svc:6379/0")).toMatchObject({ kind: "service", service: "redis-master", namespace: "cache" });
    expect(parseAddress("payments:8443")).toMatchObject({ kind: "service", service: "payments", namespace: null });
    expect(parseAddress("10.244.1.7:5432")).toMatchObject({ kind: "ip", ip: "10.244.1.7" });
    expect(parseAddress("[fd00::12]:5432")).toMatchObject({ kind: "ip", ip: "fd00::12" });
  });

  it("names nothing for hosts outside the cluster or values that are no names", () => {
    expect(parseAddress("api.stripe.com:443")).toBeNull();
    expect(parseAddress("../../etc:80")).toBeNull();
    expect(parseAddress("orders;curl evil|sh:5432")).toBeNull();
    expect(parseAddress("")).toBeNull();
  });

  it("takes the exporter's scraped server before its own instance", () => {
    expect(scrapedAddress({ instance: "10.0.0.9:9187", server: "orders-db.orders.svc:5432" })).toMatchObject({ label: "server", address: { service: "orders-db" } });
    expect(scrapedAddress({ instance: "10.0.0.9:9187" })).toMatchObject({ label: "instance", address: { kind: "ip" } });
  });
});

describe("consumerCandidates", () => {
  const w = (name: string, labels: Record<string, string> = {}) => ({ kind: "Deployment" as const, name, labels });

  it("finds the worker named after the queue, plural or not, and ignores generic words", () => {
    const ranked = consumerCandidates("prod-invoices-queue", [w("web-frontend"), w("invoice-worker"), w("queue-metrics")]);
    expect(ranked.map((c) => c.name)).toEqual(["invoice-worker"]);
  });

  it("prefers a workload named exactly like the consumer group", () => {
    expect(consumerCandidates("billing-sync", [w("billing-api"), w("billing-sync")])[0]?.name).toBe("billing-sync");
  });

  it("finds nothing when no name word is shared", () => {
    expect(consumerCandidates("orders", [w("web"), w("api")])).toEqual([]);
  });

  it("reads the queue from RabbitMQ, Kafka and NATS labels", () => {
    expect(queueNameOf({ queue: "orders", vhost: "/" })).toEqual({ label: "queue", name: "orders" });
    expect(queueNameOf({ consumergroup: "billing", topic: "invoices" })).toEqual({ label: "consumergroup", name: "billing" });
    expect(queueNameOf({ stream: "ORDERS", consumer: "order-worker" })).toEqual({ label: "consumer", name: "order-worker" });
    expect(queueNameOf({ job: "api" })).toBeNull();
  });
});
