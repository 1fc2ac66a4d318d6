import { afterEach, describe, expect, it } from "vitest";
import { jetstreamManager } from "@nats-io/jetstream";
import { ServiceError } from "@/lib/errors";
import { createLogger } from "@/lib/log";
import { NATS_TEST_URL, asAlertJob, connectTestNats, deleteStreams, eventually, testAlertJob, uniqueQueueNames } from "@/test/helpers/nats";
import { createJetStreamQueue } from "./jetstream";
import type { AlertJob, DeadLetter } from "./job";
import { createMemoryQueue } from "./memory";
import type { Consumer, Delivery, JobQueue } from "./types";

function withoutIds(entries: DeadLetter[]): DeadLetter[] {
  return entries.map(({ id: _id, ...rest }) => rest);
}

const log = createLogger({ level: "silent" });

type Settings = { maxDeliver: number; backoffSeconds: number[]; ackWaitSeconds?: number };
type Harness = {
  queue: JobQueue;
  /** Jobs still held by the queue itself (JetStream: messages in the work stream). */
  storedJobs(): Promise<number>;
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)();
});

function track(consumer: Consumer): Consumer {
  cleanups.push(() => consumer.stop(5_000));
  return consumer;
}

const implementations: Array<{ name: string; make(s: Settings): Promise<Harness> }> = [
  {
    name: "memory",
    async make(s) {
      const queue = createMemoryQueue({ maxDeliver: s.maxDeliver, backoffSeconds: s.backoffSeconds, log });
      cleanups.push(() => queue.close());
      return { queue, storedJobs: async () => (await queue.stats()).pending };
    },
  },
  {
    name: "jetstream",
    async make(s) {
      const names = uniqueQueueNames();
      const queue = createJetStreamQueue({
        url: NATS_TEST_URL,
        ...names,
        ackWaitSeconds: s.ackWaitSeconds ?? 30,
        maxDeliver: s.maxDeliver,
        backoffSeconds: s.backoffSeconds,
        duplicateWindowSeconds: 60,
        maxAgeHours: 1,
        maxBytes: 10 * 1024 * 1024,
        log,
      });
      const nc = await connectTestNats();
      const jsm = await jetstreamManager(nc);
      cleanups.push(async () => {
        await nc.close();
        await deleteStreams(names.prefix);
      });
      cleanups.push(() => queue.close());
      return { queue, storedJobs: async () => (await jsm.streams.info(names.stream)).state.messages };
    },
  },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(implementations)("$name queue", ({ make }) => {
  it("delivers a published job to the handler and acknowledges it", async () => {
    const { queue, storedJobs } = await make({ maxDeliver: 3, backoffSeconds: [] });
    const job = testAlertJob();
    expect(await queue.publish(job, `m-${job.receiptId}`)).toEqual({ duplicate: false });
    const seen: Array<{ job: AlertJob; delivery: Delivery }> = [];
    track(await queue.consume({ concurrency: 1, fetchBatch: 5, handler: async (j, d) => void seen.push({ job: asAlertJob(j), delivery: d }) }));
    await eventually(() => seen.length === 1, 10_000, "the delivery");
    expect(seen[0].job).toEqual(job);
    expect(seen[0].delivery.deliveryCount).toBe(1);
    expect(seen[0].delivery.isLastDelivery).toBe(false);
    await eventually(async () => (await storedJobs()) === 0, 10_000, "the ack");
    expect(await queue.stats()).toEqual({ pending: 0, deadLetters: 0 });
  });

  it("reports jobs waiting to be consumed in stats", async () => {
    const { queue } = await make({ maxDeliver: 3, backoffSeconds: [] });
    await queue.publish(testAlertJob(), "a");
    await queue.publish(testAlertJob(), "b");
    expect(await queue.stats()).toEqual({ pending: 2, deadLetters: 0 });
    expect(await queue.isReady()).toBe(true);
  });

  it("drops a repeated msgId inside the duplicate window and delivers the job once", async () => {
    const { queue } = await make({ maxDeliver: 3, backoffSeconds: [] });
    const job = testAlertJob();
    expect(await queue.publish(job, "same-id")).toEqual({ duplicate: false });
    expect(await queue.publish(job, "same-id")).toEqual({ duplicate: true });
    let deliveries = 0;
    track(await queue.consume({ concurrency: 2, fetchBatch: 5, handler: async () => void deliveries++ }));
    await eventually(() => deliveries === 1, 10_000, "the delivery");
    await sleep(700);
    expect(deliveries).toBe(1);
  });

  it("redelivers a job after a transient failure, after the backoff delay", async () => {
    const { queue, storedJobs } = await make({ maxDeliver: 4, backoffSeconds: [0.4] });
    await queue.publish(testAlertJob(), "retry-me");
    const attempts: Array<{ at: number; count: number }> = [];
    track(
      await queue.consume({
        concurrency: 1,
        fetchBatch: 1,
        handler: async (_job, d) => {
          attempts.push({ at: Date.now(), count: d.deliveryCount });
          if (attempts.length === 1) throw new ServiceError("unavailable", "prometheus is down");
        },
      }),
    );
    await eventually(() => attempts.length === 2, 10_000, "the redelivery");
    expect(attempts.map((a) => a.count)).toEqual([1, 2]);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(380);
    await eventually(async () => (await storedJobs()) === 0, 10_000, "the ack");
    expect((await queue.stats()).deadLetters).toBe(0);
  });

  it("dead-letters a job that keeps failing, once, after maxDeliver attempts", async () => {
    const { queue, storedJobs } = await make({ maxDeliver: 3, backoffSeconds: [0.1] });
    const job = testAlertJob();
    await queue.publish(job, "always-fails");
    const attempts: Delivery[] = [];
    const notified: DeadLetter[] = [];
    track(
      await queue.consume({
        concurrency: 1,
        fetchBatch: 1,
        handler: async (_job, d) => {
          attempts.push(d);
          throw new Error("boom");
        },
        onDeadLetter: async (entry) => void notified.push(entry),
      }),
    );
    await eventually(() => notified.length === 1, 15_000, "the dead letter");
    await sleep(500);
    expect(attempts.map((a) => [a.deliveryCount, a.isLastDelivery])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    const entries = await queue.listDeadLetters(10);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: "max_deliveries", deliveries: 3, job });
    expect(entries[0].reason).toContain("boom");
    expect(notified).toEqual(withoutIds(entries));
    expect(await storedJobs()).toBe(0);
    expect(await queue.stats()).toEqual({ pending: 0, deadLetters: 1 });
  });

  it("dead-letters a permanent failure at once, without retries", async () => {
    const { queue, storedJobs } = await make({ maxDeliver: 5, backoffSeconds: [0.1] });
    await queue.publish(testAlertJob(), "permanent");
    let attempts = 0;
    const notified: DeadLetter[] = [];
    track(
      await queue.consume({
        concurrency: 1,
        fetchBatch: 1,
        handler: async () => {
          attempts++;
          throw new ServiceError("invalid_input", "alert has no namespace label");
        },
        onDeadLetter: async (entry) => void notified.push(entry),
      }),
    );
    await eventually(() => notified.length === 1, 10_000, "the dead letter");
    await sleep(500);
    expect(attempts).toBe(1);
    expect(notified[0]).toMatchObject({ kind: "permanent_failure", reason: "alert has no namespace label", deliveries: 1 });
    expect(await storedJobs()).toBe(0);
  });

  it("dead-letters a payload that fails the job schema without calling the handler", async () => {
    const { queue, storedJobs } = await make({ maxDeliver: 3, backoffSeconds: [] });
    const bad = { ...testAlertJob(), receiptId: "not-a-uuid" };
    await queue.publish(bad as AlertJob, "bad-schema");
    let called = false;
    const notified: DeadLetter[] = [];
    track(
      await queue.consume({
        concurrency: 1,
        fetchBatch: 1,
        handler: async () => void (called = true),
        onDeadLetter: async (entry) => void notified.push(entry),
      }),
    );
    await eventually(() => notified.length === 1, 10_000, "the dead letter");
    expect(called).toBe(false);
    expect(notified[0].kind).toBe("invalid_payload");
    expect(notified[0].reason).toContain("receiptId");
    expect(notified[0].job).toBe(JSON.stringify(bad));
    expect(withoutIds(await queue.listDeadLetters(5))).toEqual(notified);
    expect(await storedJobs()).toBe(0);
  });

  it("never runs more handlers at once than the concurrency", async () => {
    const { queue } = await make({ maxDeliver: 3, backoffSeconds: [] });
    for (let i = 0; i < 12; i++) await queue.publish(testAlertJob(), `c-${i}`);
    let active = 0;
    let peak = 0;
    const handled = new Set<string>();
    track(
      await queue.consume({
        concurrency: 3,
        fetchBatch: 10,
        handler: async (job) => {
          active++;
          peak = Math.max(peak, active);
          await sleep(150);
          handled.add(asAlertJob(job).receiptId);
          active--;
        },
      }),
    );
    await eventually(() => handled.size === 12, 20_000, "all jobs");
    expect(peak).toBe(3);
  });

  it("stop() waits for the job in flight, which is then acknowledged", async () => {
    const { queue, storedJobs } = await make({ maxDeliver: 3, backoffSeconds: [] });
    await queue.publish(testAlertJob(), "slow");
    let started = false;
    let finished = false;
    const consumer = await queue.consume({
      concurrency: 1,
      fetchBatch: 1,
      handler: async () => {
        started = true;
        await sleep(800);
        finished = true;
      },
    });
    await eventually(() => started, 10_000, "the handler to start");
    expect(consumer.inFlight()).toBe(1);
    await consumer.stop(10_000);
    expect(finished).toBe(true);
    expect(consumer.inFlight()).toBe(0);
    expect(await storedJobs()).toBe(0);
  });

  it("stop() gives up at its deadline", async () => {
    const { queue } = await make({ maxDeliver: 3, backoffSeconds: [] });
    await queue.publish(testAlertJob(), "very-slow");
    let started = false;
    const consumer = await queue.consume({
      concurrency: 1,
      fetchBatch: 1,
      handler: async () => {
        started = true;
        await sleep(3_000);
      },
    });
    await eventually(() => started, 10_000, "the handler to start");
    const t0 = Date.now();
    await consumer.stop(200);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(consumer.inFlight()).toBe(1);
    await eventually(() => consumer.inFlight() === 0, 10_000, "the abandoned handler to end");
  });

  it("rejects a consume() without a positive concurrency", async () => {
    const { queue } = await make({ maxDeliver: 3, backoffSeconds: [] });
    const attempt = queue.consume({ concurrency: 0, fetchBatch: 1, handler: async () => {} });
    await expect(attempt).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("lists dead letters newest last, up to the limit", async () => {
    const { queue } = await make({ maxDeliver: 1, backoffSeconds: [] });
    const jobs = [testAlertJob(), testAlertJob(), testAlertJob()];
    const notified: DeadLetter[] = [];
    track(
      await queue.consume({
        concurrency: 1,
        fetchBatch: 1,
        handler: async () => {
          throw new ServiceError("not_found", "no such pod");
        },
        onDeadLetter: async (entry) => void notified.push(entry),
      }),
    );
    for (const [i, job] of jobs.entries()) {
      await queue.publish(job, `dl-${i}`);
      await eventually(() => notified.length === i + 1, 10_000, `dead letter ${i}`);
    }
    const last2 = await queue.listDeadLetters(2);
    expect(last2.map((e) => (e.job as AlertJob).receiptId)).toEqual([jobs[1].receiptId, jobs[2].receiptId]);
    expect(await queue.listDeadLetters(10)).toHaveLength(3);
    const [first] = await queue.listDeadLetters(10);
    expect(first.id).toBeTruthy();
    await queue.removeDeadLetter(first.id!);
    await queue.removeDeadLetter(first.id!);
    const left = await queue.listDeadLetters(10);
    expect(left.map((e) => (e.job as AlertJob).receiptId)).toEqual([jobs[1].receiptId, jobs[2].receiptId]);
  });

  it("refuses to publish once closed", async () => {
    const { queue } = await make({ maxDeliver: 3, backoffSeconds: [] });
    await queue.publish(testAlertJob(), "before-close");
    await queue.close();
    await expect(queue.publish(testAlertJob(), "after-close")).rejects.toMatchObject({ code: "unavailable" });
    expect(await queue.isReady()).toBe(false);
  });
});
