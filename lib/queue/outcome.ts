import { describeDbError } from "@/lib/db/describe-db-error";
import { ServiceError, queueDisposition, errorMessage } from "@/lib/errors";
import { safeParseJob, type DeadLetter, type Job } from "./job";
import type { ConsumeOptions } from "./types";

/** What a queue does with a delivery once its handler has settled (JobHandler contract in types.ts). */
export type Outcome =
  | { action: "retry"; delayMs: number }
  | { action: "dead_letter"; kind: DeadLetter["kind"]; reason: string };

/** Delay before the next attempt after `deliveryCount` failed ones; the list's last value repeats. */
export function retryDelayMs(backoffSeconds: readonly number[], deliveryCount: number): number {
  if (backoffSeconds.length === 0) return 0;
  const index = Math.min(Math.max(deliveryCount - 1, 0), backoffSeconds.length - 1);
  return Math.round(backoffSeconds[index] * 1_000);
}

export function failureOutcome(input: {
  error: unknown;
  deliveryCount: number;
  maxDeliver: number;
  backoffSeconds: readonly number[];
}): Outcome {
  const reason = describeDbError(input.error);
  if (queueDisposition(input.error) === "dead_letter") {
    return { action: "dead_letter", kind: "permanent_failure", reason };
  }
  if (input.deliveryCount >= input.maxDeliver) {
    return { action: "dead_letter", kind: "max_deliveries", reason: `gave up after ${input.deliveryCount} deliveries: ${reason}` };
  }
  return { action: "retry", delayMs: retryDelayMs(input.backoffSeconds, input.deliveryCount) };
}

export type ParsedJob = { ok: true; job: Job } | { ok: false; reason: string; raw: string };

/** Decode a message body; a body that is not a valid job comes back with the raw text to keep in the DLQ. */
export function parseJob(text: string): ParsedJob {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `payload is not JSON: ${errorMessage(e)}`, raw: text };
  }
  const parsed = safeParseJob(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    return { ok: false, reason: `payload is not a valid job: ${issues.join("; ")}`, raw: text };
  }
  return { ok: true, job: parsed.data };
}

export function deadLetter(kind: DeadLetter["kind"], reason: string, deliveries: number, job: unknown): DeadLetter {
  return { kind, reason, deliveries, job, at: new Date().toISOString() };
}

/** A raw body kept in a dead letter: the parsed JSON when it is JSON, else the text itself. */
export function rawJob(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function assertConsumeOptions(consume: ConsumeOptions): void {
  if (!Number.isInteger(consume.concurrency) || consume.concurrency < 1) {
    throw new ServiceError("invalid_input", `concurrency must be a positive integer, got ${consume.concurrency}`);
  }
  if (!Number.isInteger(consume.fetchBatch) || consume.fetchBatch < 1) {
    throw new ServiceError("invalid_input", `fetchBatch must be a positive integer, got ${consume.fetchBatch}`);
  }
}
