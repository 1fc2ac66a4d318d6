import { afterEach, describe, expect, it } from "vitest";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import {
  connectTestNats,
  deleteStreams,
  eventually,
  queueTestOptions,
  startPrivateNatsServer,
  testAlertJob,
  uniqueQueueNames,
  type QueueNames,
} from "@/test/helpers/nats";
import { advisoryStreamName, createJetStreamQueue, type JetStreamQueueOptions } from "./jetstream";
import type { DeadLetter } from "./job";
import type { JobQueue } from "./types";

function withoutIds(entries: DeadLetter[]): DeadLetter[] {
  return entries.map(({ id: _id, ...rest }) => rest);
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const settings = queueTestOptions;

function openQueue(options: JetStreamQueueOptions): JobQueue {
  const queue = createJetStreamQueue(options);
  cleanups.push(() => queue.close());
  return queue;
}

function scopedNames(): QueueNames {
  const names = uniqueQueueNames();
  cleanups.push(() => deleteStreams(names.prefix));
  return names;
}

async function admin() {
  const nc = await connectTestNats();
  cleanups.push(() => nc.close());
  return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
}

describe("JetStream queue", () => {
  it("provisions the work, dead-letter and advisory streams and the durable consumer", async () => {
    const names = scopedNames();
    const queue = openQueue(settings(names, { maxDeliver: 5, backoffSeconds: [10, 60, 300], ackWaitSeconds: 1800 }));
    expect(await queue.isReady()).toBe(true);
    const { jsm } = await admin();
    const work = await jsm.streams.info(names.stream);
    expect(work.config).toMatchObject({ subjects: [names.subject], retention: "workqueue", storage: "file", discard: "new", max_bytes: 10 * 1024 * 1024 });
    expect(work.config.duplicate_window).toBe(60e9);
    expect(work.config.max_age).toBe(3600e9);
    const dlq = await jsm.streams.info(names.dlqStream);
    expect(dlq.config).toMatchObject({ subjects: [names.dlqSubject], retention: "limits" });
    const advisories = await jsm.streams.info(advisoryStreamName(names.stream, names.durable));
    expect(advisories.config.subjects).toEqual([`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${names.stream}.${names.durable}`]);
    const consumer = await jsm.consumers.info(names.stream, names.durable);
    expect(consumer.config).toMatchObject({ ack_policy: "explicit", max_deliver: 5, ack_wait: 1800e9 });
    // Backoff drives nak delays only; on the consumer the server would replace ack_wait by backoff[0].
    expect(consumer.config.backoff ?? []).toEqual([]);
  });

  it("provisioning again with different settings updates the streams and the consumer", async () => {
    const names = scopedNames();
    const first = openQueue(settings(names, { maxDeliver: 5, backoffSeconds: [10, 60], maxBytes: 5_000_000 }));
    expect(await first.isReady()).toBe(true);
    await first.close();
    const second = openQueue(
      settings(names, { maxDeliver: 2, backoffSeconds: [], ackWaitSeconds: 900, maxBytes: 7_000_000, duplicateWindowSeconds: 30, maxAgeHours: 2 }),
    );
    expect(await second.isReady()).toBe(true);
    const { jsm } = await admin();
    const consumer = await jsm.consumers.info(names.stream, names.durable);
    expect(consumer.config.max_deliver).toBe(2);
    expect(consumer.config.ack_wait).toBe(900e9);
    expect(consumer.config.backoff ?? []).toEqual([]);
    const work = await jsm.streams.info(names.stream);
    expect(work.config).toMatchObject({ max_bytes: 7_000_000, duplicate_window: 30e9, max_age: 7200e9 });
    const job = testAlertJob();
    expect(await second.publish(job, "after-update")).toEqual({ duplicate: false });
  });

  it("dead-letters a body that is not JSON, keeping the raw text", async () => {
    const names = scopedNames();
    const queue = openQueue(settings(names));
    expect(await queue.isReady()).toBe(true);
    const { js } = await admin();
    await js.publish(names.subject, "{not json", { msgID: "raw-1" });
    const notified: DeadLetter[] = [];
    const consumer = await queue.consume({
      concurrency: 1,
      fetchBatch: 1,
      handler: async () => {
        throw new Error("the handler must not see an invalid payload");
      },
      onDeadLetter: async (entry) => void notified.push(entry),
    });
    cleanups.push(() => consumer.stop(5_000));
    await eventually(() => notified.length === 1, 10_000, "the dead letter");
    expect(notified[0]).toMatchObject({ kind: "invalid_payload", job: "{not json", deliveries: 1 });
    expect(notified[0].reason).toMatch(/not JSON/);
    const stored = await queue.listDeadLetters(1);
    expect(withoutIds(stored)).toEqual(notified);
  });

  it.each([
    { shape: "ack_wait 2 s", overrides: { ackWaitSeconds: 2 } },
    { shape: "ack_wait 2 s with a long backoff list", overrides: { ackWaitSeconds: 2, backoffSeconds: [60, 300] } },
  ])("heartbeats keep a job running longer than the ack wait from redelivery ($shape)", async ({ overrides }) => {
    const names = scopedNames();
    const queue = openQueue(settings(names, overrides));
    await queue.publish(testAlertJob(), "long-job");
    const deliveries: number[] = [];
    let finished = false;
    const consumer = await queue.consume({
      concurrency: 2,
      fetchBatch: 2,
      handler: async (_job, d) => {
        deliveries.push(d.deliveryCount);
        await sleep(5_000);
        finished = true;
      },
    });
    cleanups.push(() => consumer.stop(10_000));
    await eventually(() => finished, 15_000, "the long job");
    await sleep(500);
    expect(deliveries).toEqual([1]);
    const { jsm } = await admin();
    expect((await jsm.streams.info(names.stream)).state.messages).toBe(0);
  });

  it("moves a job whose worker died on every delivery to the DLQ through the advisory stream", async () => {
    const names = scopedNames();
    const queue = openQueue(settings(names, { ackWaitSeconds: 1, maxDeliver: 2 }));
    const job = testAlertJob();
    await queue.publish(job, "crashy");
    const { js, jsm } = await admin();
    const raw = await js.consumers.get(names.stream, names.durable);
    for (let delivery = 1; delivery <= 2; delivery++) {
      const m = await raw.next({ expires: 5_000 });
      expect(m?.info.deliveryCount).toBe(delivery);
      // A crashed worker: no ack, no nak; wait out ack_wait.
      await sleep(1_300);
    }
    let handled = 0;
    const notified: DeadLetter[] = [];
    const consumer = await queue.consume({
      concurrency: 1,
      fetchBatch: 1,
      handler: async () => void handled++,
      onDeadLetter: async (entry) => void notified.push(entry),
    });
    cleanups.push(() => consumer.stop(5_000));
    await eventually(() => notified.length === 1, 15_000, "the advisory dead letter");
    expect(notified[0]).toMatchObject({ kind: "max_deliveries", deliveries: 2, job });
    expect(handled).toBe(0);
    expect(withoutIds(await queue.listDeadLetters(10))).toEqual(notified);
    expect((await jsm.streams.info(names.stream)).state.messages).toBe(0);
    await eventually(
      async () => (await jsm.streams.info(advisoryStreamName(names.stream, names.durable))).state.messages === 0,
      5_000,
      "the advisory to be acknowledged",
    );
  });

  it("fails fast with unavailable when the server cannot be reached", async () => {
    const queue = openQueue(settings(uniqueQueueNames(), { url: "nats://127.0.0.1:1" }));
    const t0 = Date.now();
    await expect(queue.publish(testAlertJob(), "nowhere")).rejects.toMatchObject({ name: "ServiceError", code: "unavailable" });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await queue.isReady()).toBe(false);
    await expect(queue.consume({ concurrency: 1, fetchBatch: 1, handler: async () => {} })).rejects.toMatchObject({ code: "unavailable" });
    await expect(queue.stats()).rejects.toMatchObject({ code: "unavailable" });
  });

  it("fails fast when the server goes away, and publishes again once it is back", async () => {
    const server = await startPrivateNatsServer();
    cleanups.push(() => server.destroy());
    const queue = openQueue(settings(uniqueQueueNames(), { url: server.url, publishTimeoutMs: 2_000 }));
    expect(await queue.publish(testAlertJob(), "before")).toEqual({ duplicate: false });
    await server.stop();
    const t0 = Date.now();
    await expect(queue.publish(testAlertJob(), "during")).rejects.toMatchObject({ code: "unavailable" });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await queue.isReady()).toBe(false);
    await server.start();
    await eventually(() => queue.isReady().catch(() => false), 15_000, "the reconnect");
    expect(await queue.publish(testAlertJob(), "after")).toEqual({ duplicate: false });
    expect((await queue.stats()).pending).toBeGreaterThanOrEqual(2);
  });
});
