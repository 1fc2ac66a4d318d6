import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { alertDispositions } from "./constants";

/** Every alert /alerts accepted, and how it ended: the ledger that proves no alert was lost. */
export const receivedAlerts = pgTable(
  "received_alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    fingerprint: text("fingerprint").notNull(),
    /** "alertmanager" for /alerts, else the id of the configured source it came through. */
    source: text("source").notNull().default("alertmanager"),
    alertname: text("alertname").notNull(),
    status: text("status", { enum: ["firing", "resolved"] }).notNull(),
    labels: jsonb("labels").$type<Record<string, string>>().notNull(),
    annotations: jsonb("annotations").$type<Record<string, string>>().notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    disposition: text("disposition", { enum: alertDispositions }).notNull(),
    dispositionReason: text("disposition_reason"),
    caseId: uuid("case_id"),
    runId: uuid("run_id"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("received_alerts_disposition_idx").on(t.disposition),
    index("received_alerts_fingerprint_idx").on(t.fingerprint),
    index("received_alerts_received_at_idx").on(t.receivedAt),
    // A re-run investigates the case's latest alert again.
    index("received_alerts_case_idx").on(t.caseId, t.receivedAt),
  ],
);
