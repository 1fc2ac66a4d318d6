import { z } from "zod";
import { normalizedAlertSchema } from "@/lib/alerts/schema";
import { durationSchema } from "@/lib/env";

/** The queued message (docs/architecture.md, "Queue"), validated with zod when a worker receives it. */
export const alertJobSchema = z.object({
  alert: normalizedAlertSchema,
  /** Row id in `received_alerts`, so the worker can record how the alert ended. */
  receiptId: z.string().uuid(),
  receivedAt: z.string().datetime(),
  timeWindow: durationSchema,
  traceparent: z.string().optional(),
});

export type AlertJob = z.infer<typeof alertJobSchema>;

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
