import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { rerunStatuses } from "./constants";
import { investigationRuns } from "./investigation-runs";

/**
 * A person's request to investigate a case again with another look-back window. Its job is keyed
 * `rerun:<caseId>:<id>` on the queue and in `dedupe_claims`, apart from the alert's own keys.
 */
export const caseReruns = pgTable(
  "case_reruns",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    windowMinutes: integer("window_minutes").notNull(),
    status: text("status", { enum: rerunStatuses }).notNull().default("queued"),
    requestedBy: text("requested_by").notNull(),
    requestedById: uuid("requested_by_id"),
    runId: uuid("run_id").references(() => investigationRuns.id, { onDelete: "set null" }),
    error: text("error"),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("case_reruns_case_idx").on(t.caseId, t.requestedAt)],
);
