import type { DeadLetter, Job } from "./job";

/** Handed to a job handler for the one delivery it is processing. */
export type Delivery = {
  deliveryCount: number;
  /** True when this is the last delivery the queue will attempt. */
  isLastDelivery: boolean;
  /** Tell the queue the job is still being worked on (JetStream `working()`), so it is not redelivered. */
  heartbeat(): void;
};

/**
 * What a handler's outcome means to the queue:
 * - resolves → ack
 * - throws ServiceError with queue disposition "retry" (or any non-ServiceError) → nak with backoff,
 *   dead-lettered as `max_deliveries` after the last delivery
 * - throws ServiceError with disposition "dead_letter" → dead-lettered as `permanent_failure`, then term
 * A payload that fails its job schema (`safeParseJob`) never reaches the handler: it is dead-lettered as `invalid_payload`.
 */
export type JobHandler = (job: Job, delivery: Delivery) => Promise<void>;

export type ConsumeOptions = {
  concurrency: number;
  fetchBatch: number;
  handler: JobHandler;
  /** Called after an entry is written to the dead-letter queue (the worker records it in PostgreSQL). */
  onDeadLetter?: (entry: DeadLetter) => Promise<void>;
};

export type Consumer = {
  /** Stop fetching, wait for in-flight jobs (up to deadlineMs), then return. */
  stop(deadlineMs: number): Promise<void>;
  /** Number of jobs being handled right now. */
  inFlight(): number;
};

export type QueueStats = { pending: number; deadLetters: number };

export type JobQueue = {
  readonly kind: "jetstream" | "memory";
  /**
   * Durably enqueue a job. Resolves only once the queue has stored it; `duplicate` is true when the
   * queue dropped it as a repeat of `msgId` inside its duplicate window. Throws ServiceError
   * `unavailable` when the job could not be stored.
   */
  publish(job: Job, msgId: string): Promise<{ duplicate: boolean }>;
  consume(options: ConsumeOptions): Promise<Consumer>;
  /** Readiness: can we publish right now? */
  isReady(): Promise<boolean>;
  stats(): Promise<QueueStats>;
  /** Dead-letter entries, newest last (for the CLI and tests), each with its `id`. */
  listDeadLetters(limit: number): Promise<DeadLetter[]>;
  /** Remove one dead-letter entry by the `id` listDeadLetters gave it; a missing entry is not an error. */
  removeDeadLetter(id: string): Promise<void>;
  close(): Promise<void>;
};
