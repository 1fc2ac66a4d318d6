import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { classifications, runStatuses, runTriggers } from "./constants";

export type RunHypothesis = { category: string; title: string; confidence: number };

/** One investigation of one alert: the report lives in storage under `reportKey` (.json and .md). */
export const investigationRuns = pgTable(
  "investigation_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    dedupeKey: text("dedupe_key").notNull(),
    alertFingerprint: text("alert_fingerprint").notNull(),
    alertname: text("alertname").notNull(),
    family: text("family").notNull(),
    status: text("status", { enum: runStatuses }).notNull(),
    classification: text("classification", { enum: classifications }),
    oneLiner: text("one_liner"),
    /** The best-ranked hypotheses (category, title, confidence), read by case memory without opening the report. */
    topHypotheses: jsonb("top_hypotheses").$type<RunHypothesis[]>().notNull().default([]),
    reportKey: text("report_key"),
    worker: text("worker").notNull(),
    alertStartsAt: timestamp("alert_starts_at", { withTimezone: true }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull().defaultNow(),
    durationMs: integer("duration_ms").notNull(),
    trigger: text("trigger", { enum: runTriggers }).notNull().default("alert"),
    /** The look-back window the investigation used (`30m`, `2h`); null on runs recorded before it was kept. */
    timeWindow: text("time_window"),
    /** Who asked for a re-run; null for runs an alert started. */
    requestedBy: text("requested_by"),
  },
  (t) => [
    index("investigation_runs_case_idx").on(t.caseId, t.finishedAt),
    index("investigation_runs_dedupe_key_idx").on(t.dedupeKey),
  ],
);
