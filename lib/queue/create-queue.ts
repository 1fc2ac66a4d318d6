import type { Env } from "@/lib/env";
import type { Logger } from "@/lib/log";
import { createJetStreamQueue } from "./jetstream";
import { createMemoryQueue } from "./memory";
import type { JobQueue } from "./types";

/** JetStream when NATS_URL is set, otherwise the in-process queue of embedded mode. */
export function createQueue({ env, log }: { env: Env; log: Logger }): JobQueue {
  if (!env.NATS_URL) {
    return createMemoryQueue({
      maxDeliver: env.JETSTREAM_MAX_DELIVER,
      backoffSeconds: env.JETSTREAM_BACKOFF_SECONDS,
      duplicateWindowSeconds: env.JETSTREAM_DUPLICATE_WINDOW_SECONDS,
      log,
    });
  }
  return createJetStreamQueue({
    url: env.NATS_URL,
    stream: env.JETSTREAM_STREAM,
    subject: env.JETSTREAM_SUBJECT,
    durable: env.JETSTREAM_DURABLE,
    dlqStream: env.JETSTREAM_DLQ_STREAM,
    dlqSubject: env.JETSTREAM_DLQ_SUBJECT,
    ackWaitSeconds: env.JETSTREAM_ACK_WAIT_SECONDS,
    maxDeliver: env.JETSTREAM_MAX_DELIVER,
    backoffSeconds: env.JETSTREAM_BACKOFF_SECONDS,
    duplicateWindowSeconds: env.JETSTREAM_DUPLICATE_WINDOW_SECONDS,
    maxAgeHours: env.JETSTREAM_MAX_AGE_HOURS,
    maxBytes: env.JETSTREAM_MAX_BYTES,
    replicas: env.JETSTREAM_REPLICAS,
    publishTimeoutMs: env.JETSTREAM_PUBLISH_TIMEOUT_MS,
    log,
  });
}
