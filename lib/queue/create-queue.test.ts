import { afterEach, describe, expect, it } from "vitest";
import { jetstreamManager } from "@nats-io/jetstream";
import { loadEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { NATS_TEST_URL, connectTestNats, deleteStreams, eventually, testAlertJob, uniqueQueueNames } from "@/test/helpers/nats";
import { createQueue } from "./create-queue";
import type { JobQueue } from "./types";

const log = createLogger({ level: "silent" });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)();
});

function open(vars: Record<string, string>): JobQueue {
  const queue = createQueue({ env: loadEnv(vars), log });
  cleanups.push(() => queue.close());
  return queue;
}

describe("createQueue", () => {
  it("uses the in-process queue when NATS_URL is unset", async () => {
    const queue = open({ JETSTREAM_MAX_DELIVER: "1" });
    expect(queue.kind).toBe("memory");
    await queue.publish(testAlertJob(), "x");
    const consumer = await queue.consume({
      concurrency: 1,
      fetchBatch: 1,
      handler: async () => {
        throw new Error("fails once, and JETSTREAM_MAX_DELIVER=1 allows no retry");
      },
    });
    await eventually(async () => (await queue.stats()).deadLetters === 1, 5_000, "the dead letter");
    await consumer.stop(1_000);
    expect((await queue.listDeadLetters(1))[0].kind).toBe("max_deliveries");
  });

  it("uses JetStream with the JETSTREAM_* settings when NATS_URL is set", async () => {
    const names = uniqueQueueNames();
    cleanups.push(() => deleteStreams(names.prefix));
    const queue = open({
      NATS_URL: NATS_TEST_URL,
      JETSTREAM_STREAM: names.stream,
      JETSTREAM_SUBJECT: names.subject,
      JETSTREAM_DURABLE: "TESTWORKERS",
      JETSTREAM_DLQ_STREAM: names.dlqStream,
      JETSTREAM_DLQ_SUBJECT: names.dlqSubject,
      JETSTREAM_ACK_WAIT_SECONDS: "120",
      JETSTREAM_MAX_DELIVER: "4",
      JETSTREAM_BACKOFF_SECONDS: "5,7",
      JETSTREAM_DUPLICATE_WINDOW_SECONDS: "90",
      JETSTREAM_MAX_AGE_HOURS: "5",
      JETSTREAM_MAX_BYTES: "2000000",
    });
    expect(queue.kind).toBe("jetstream");
    expect(await queue.publish(testAlertJob(), "y")).toEqual({ duplicate: false });
    const nc = await connectTestNats();
    cleanups.push(() => nc.close());
    const jsm = await jetstreamManager(nc);
    const stream = await jsm.streams.info(names.stream);
    expect(stream.config).toMatchObject({ subjects: [names.subject], max_bytes: 2_000_000, max_age: 5 * 3600e9, duplicate_window: 90e9 });
    expect(stream.state.messages).toBe(1);
    const consumer = await jsm.consumers.info(names.stream, "TESTWORKERS");
    // JETSTREAM_ACK_WAIT_SECONDS is honoured as set; the backoff list only drives nak delays.
    expect(consumer.config).toMatchObject({ max_deliver: 4, ack_wait: 120e9 });
    expect(consumer.config.backoff ?? []).toEqual([]);
    expect((await jsm.streams.info(names.dlqStream)).config.subjects).toEqual([names.dlqSubject]);
  });
});
