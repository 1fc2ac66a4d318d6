import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { actionKinds, actionRisks, actionSources, actionStatuses } from "./constants";
import { investigationRuns } from "./investigation-runs";

/**
 * A proposed change to the cluster (or an Alertmanager silence) that a human approves and carries
 * out; Tarka itself only ever creates silences. `derivationKey` makes derivation idempotent per run.
 */
export const actionProposals = pgTable(
  "action_proposals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    runId: uuid("run_id").references(() => investigationRuns.id, { onDelete: "set null" }),
    derivationKey: text("derivation_key"),
    source: text("source", { enum: actionSources }).notNull(),
    kind: text("kind", { enum: actionKinds }).notNull(),
    status: text("status", { enum: actionStatuses }).notNull().default("proposed"),
    risk: text("risk", { enum: actionRisks }).notNull(),
    title: text("title").notNull(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    command: text("command").notNull(),
    preconditions: jsonb("preconditions").$type<string[]>().notNull().default([]),
    evidence: jsonb("evidence").$type<string[]>().notNull().default([]),
    rationale: text("rationale").notNull().default(""),
    proposedBy: text("proposed_by").notNull(),
    proposedById: uuid("proposed_by_id"),
    decidedBy: text("decided_by"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decisionNote: text("decision_note"),
    completedBy: text("completed_by"),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    completionNote: text("completion_note"),
    silenceId: text("silence_id"),
    silenceEndsAt: timestamp("silence_ends_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("action_proposals_case_idx").on(t.caseId, t.createdAt),
    uniqueIndex("action_proposals_derivation_uq").on(t.derivationKey),
  ],
);
