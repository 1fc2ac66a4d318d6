import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/log";
import { eventually, testAlertJob } from "@/test/helpers/nats";
import { createMemoryQueue } from "./memory";

const log = createLogger({ level: "silent" });

describe("memory queue", () => {
  it("accepts a msgId again once its duplicate window has passed", async () => {
    const queue = createMemoryQueue({ maxDeliver: 3, backoffSeconds: [], duplicateWindowSeconds: 0.2, log });
    expect(await queue.publish(testAlertJob(), "m")).toEqual({ duplicate: false });
    expect(await queue.publish(testAlertJob(), "m")).toEqual({ duplicate: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(await queue.publish(testAlertJob(), "m")).toEqual({ duplicate: false });
    expect((await queue.stats()).pending).toBe(2);
    await queue.close();
  });

  it("shares jobs between consumers and leaves unstarted jobs to the ones still running", async () => {
    const queue = createMemoryQueue({ maxDeliver: 3, backoffSeconds: [], log });
    const byConsumer = { a: 0, b: 0 };
    const slow = (name: "a" | "b") => async () => {
      byConsumer[name]++;
      await new Promise((r) => setTimeout(r, 50));
    };
    const a = await queue.consume({ concurrency: 1, fetchBatch: 1, handler: slow("a") });
    const b = await queue.consume({ concurrency: 1, fetchBatch: 1, handler: slow("b") });
    for (let i = 0; i < 6; i++) await queue.publish(testAlertJob(), `j-${i}`);
    await eventually(() => byConsumer.a > 0 && byConsumer.b > 0, 5_000, "both consumers to get work");
    await a.stop(5_000);
    await eventually(() => byConsumer.a + byConsumer.b === 6, 5_000, "all jobs");
    await b.stop(5_000);
    expect(await queue.stats()).toEqual({ pending: 0, deadLetters: 0 });
    await queue.close();
  });
});
