import { randomUUID } from "node:crypto";
import { describeDbError } from "@/lib/db/describe-db-error";
import { ServiceError } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import type { DeadLetter, Job } from "./job";
import { assertConsumeOptions, deadLetter, failureOutcome, parseJob } from "./outcome";
import { registeredConsumer } from "./registered-consumer";
import type { ConsumeOptions, JobQueue, QueueStats } from "./types";

export type MemoryQueueOptions = {
  maxDeliver: number;
  backoffSeconds: readonly number[];
  duplicateWindowSeconds?: number;
  log: Logger;
};

/** A job as JetStream would hold it: the serialized body, so consumers parse and validate it the same way. */
type Entry = { data: string; deliveries: number };

type Runner = { pump(): void; stop(deadlineMs: number): Promise<void>; inFlight(): number };

const DEFAULT_DUPLICATE_WINDOW_SECONDS = 600;
/** Dead letters only live as long as the process; keep the newest so a stuck loop cannot grow memory. */
const MAX_DEAD_LETTERS = 1_000;

/**
 * In-process queue for embedded mode (no NATS_URL): same contract as the JetStream queue, nothing
 * survives a restart. Heartbeats are no-ops because nothing redelivers a job while it runs.
 */
export function createMemoryQueue(options: MemoryQueueOptions): JobQueue {
  const { maxDeliver, backoffSeconds, log } = options;
  const duplicateWindowMs = (options.duplicateWindowSeconds ?? DEFAULT_DUPLICATE_WINDOW_SECONDS) * 1_000;
  const ready: Entry[] = [];
  const waiting = new Set<NodeJS.Timeout>();
  /** msgId → when it leaves the duplicate window; insertion order is expiry order. */
  const seen = new Map<string, number>();
  const deadLetters: DeadLetter[] = [];
  const runners = new Set<Runner>();
  let closed = false;

  function wake(): void {
    setImmediate(() => {
      for (const r of runners) r.pump();
    });
  }

  function requeue(entry: Entry, delayMs: number): void {
    if (delayMs <= 0) {
      ready.push(entry);
      wake();
      return;
    }
    const timer = setTimeout(() => {
      waiting.delete(timer);
      ready.push(entry);
      wake();
    }, delayMs);
    waiting.add(timer);
  }

  function forgetExpiredIds(now: number): void {
    for (const [id, expiresAt] of seen) {
      if (expiresAt > now) return;
      seen.delete(id);
    }
  }

  function startRunner(consume: ConsumeOptions): Runner {
    const inFlight = new Set<Promise<void>>();
    let stopping = false;

    async function bury(entry: DeadLetter): Promise<void> {
      deadLetters.push({ ...entry, id: randomUUID() });
      if (deadLetters.length > MAX_DEAD_LETTERS) deadLetters.shift();
      log.warn({ kind: entry.kind, reason: entry.reason, deliveries: entry.deliveries }, "job dead-lettered");
      try {
        await consume.onDeadLetter?.(entry);
      } catch (e) {
        log.error({ err: e, kind: entry.kind }, "onDeadLetter failed; the entry is kept in memory");
      }
    }

    async function handle(entry: Entry): Promise<void> {
      entry.deliveries += 1;
      const deliveryCount = entry.deliveries;
      const parsed = parseJob(entry.data);
      if (!parsed.ok) {
        await bury(deadLetter("invalid_payload", parsed.reason, deliveryCount, parsed.raw));
        return;
      }
      try {
        await consume.handler(parsed.job, {
          deliveryCount,
          isLastDelivery: deliveryCount >= maxDeliver,
          heartbeat: () => {},
        });
        return;
      } catch (error) {
        const outcome = failureOutcome({ error, deliveryCount, maxDeliver, backoffSeconds });
        if (outcome.action === "retry") {
          log.warn({ err: error, deliveryCount, delayMs: outcome.delayMs }, "job failed; will retry");
          requeue(entry, outcome.delayMs);
          return;
        }
        await bury(deadLetter(outcome.kind, outcome.reason, deliveryCount, parsed.job));
      }
    }

    return {
      inFlight: () => inFlight.size,
      pump() {
        while (!stopping && inFlight.size < consume.concurrency && ready.length > 0) {
          const entry = ready.shift() as Entry;
          const running: Promise<void> = handle(entry)
            .catch((e) => log.error({ err: describeDbError(e) }, "job handling failed unexpectedly"))
            .finally(() => {
              inFlight.delete(running);
              wake();
            });
          inFlight.add(running);
        }
      },
      async stop(deadlineMs) {
        stopping = true;
        const drained = (async () => {
          while (inFlight.size > 0) await Promise.all([...inFlight]);
        })();
        let timer: NodeJS.Timeout | undefined;
        const late = await Promise.race([
          drained.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), deadlineMs);
          }),
        ]);
        clearTimeout(timer);
        if (late) log.warn({ inFlight: inFlight.size, deadlineMs }, "stopped consuming before in-flight jobs finished");
      },
    };
  }

  return {
    kind: "memory",

    async publish(job: Job, msgId: string) {
      if (closed) throw new ServiceError("unavailable", "could not queue the job: the queue is closed");
      const now = Date.now();
      forgetExpiredIds(now);
      if (seen.has(msgId)) return { duplicate: true };
      seen.set(msgId, now + duplicateWindowMs);
      ready.push({ data: JSON.stringify(job), deliveries: 0 });
      wake();
      return { duplicate: false };
    },

    async consume(consume) {
      assertConsumeOptions(consume);
      if (closed) throw new ServiceError("unavailable", "the queue is closed");
      const consumer = registeredConsumer(runners, startRunner(consume));
      wake();
      return consumer;
    },

    async isReady() {
      return !closed;
    },

    async stats(): Promise<QueueStats> {
      let inFlight = 0;
      for (const r of runners) inFlight += r.inFlight();
      return { pending: ready.length + waiting.size + inFlight, deadLetters: deadLetters.length };
    },

    async listDeadLetters(limit) {
      return limit > 0 ? deadLetters.slice(-limit) : [];
    },

    async removeDeadLetter(id) {
      const at = deadLetters.findIndex((d) => d.id === id);
      if (at >= 0) deadLetters.splice(at, 1);
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...runners].map((r) => r.stop(0)));
      runners.clear();
      for (const timer of waiting) clearTimeout(timer);
      waiting.clear();
    },
  };
}
