import { z } from "zod";
import { normalizedAlertSchema } from "@/lib/alerts/schema";
import { durationSchema } from "@/lib/env";

/** The queued message (docs/architecture.md, "Queue"), validated with zod when a worker receives it. */
export const alertJobSchema = z.object({
  /** Absent on jobs queued before re-runs existed. */
  kind: z.literal("alert").optional(),
  alert: normalizedAlertSchema,
  /** Row id in `received_alerts`, so the worker can record how the alert ended. */
  receiptId: z.string().uuid(),
  receivedAt: z.string().datetime(),
  timeWindow: durationSchema,
  traceparent: z.string().optional(),
});

export type AlertJob = z.infer<typeof alertJobSchema>;

/** A person asked for the case to be investigated again with another window (`case_reruns` row `rerunId`). */
export const rerunJobSchema = z.object({
  kind: z.literal("rerun"),
  rerunId: z.string().uuid(),
  caseId: z.string().uuid(),
  timeWindow: durationSchema,
  traceparent: z.string().optional(),
});

export type RerunJob = z.infer<typeof rerunJobSchema>;

export type Job = AlertJob | RerunJob;

/** Validate a queued payload against the schema its `kind` names, so errors speak of that kind's fields. */
export function safeParseJob(value: unknown) {
  const isRerun = typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "rerun";
  return isRerun ? rerunJobSchema.safeParse(value) : alertJobSchema.safeParse(value);
}

/** The JetStream message id and dedupe claim key of a re-run: never equal to an alert's, so neither swallows the other. */
export function rerunKey(job: Pick<RerunJob, "caseId" | "rerunId">): string {
  return `rerun:${job.caseId}:${job.rerunId}`;
}

/** What a dead-letter entry holds (docs/architecture.md, "Queue"). `job` is the raw payload when it did not parse. */
export type DeadLetter = {
  /** Set when listed: the entry's handle for `removeDeadLetter` (the DLQ stream sequence on JetStream). */
  id?: string;
  kind: "invalid_payload" | "max_deliveries" | "permanent_failure";
  reason: string;
  deliveries: number;
  job: unknown;
  at: string;
};
