import { bigint, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { chatModes, chatRoles, toolOutcomes } from "./constants";

/** A conversation of one user, about one case (caseId) or across cases (caseId null). */
export const chatThreads = pgTable(
  "chat_threads",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    owner: text("owner").notNull(),
    caseId: uuid("case_id").references(() => cases.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("chat_threads_case_idx").on(t.caseId, t.updatedAt), index("chat_threads_owner_idx").on(t.owner, t.updatedAt)],
);

/** One turn's text (redacted before it is stored), with the model's usage for assistant messages. */
export const chatMessages = pgTable(
  "chat_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    threadId: uuid("thread_id")
      .notNull()
      .references(() => chatThreads.id, { onDelete: "cascade" }),
    role: text("role", { enum: chatRoles }).notNull(),
    content: text("content").notNull(),
    mode: text("mode", { enum: chatModes }),
    model: text("model"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    /** Why the answer is missing or cut short (provider error, timeout, rate limit), shown in the thread. */
    error: text("error"),
    durationMs: integer("duration_ms"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("chat_messages_thread_idx").on(t.threadId, t.createdAt)],
);

/** A tool the assistant called during a message: arguments, outcome, timing and the compact result shown. */
export const chatToolCalls = pgTable(
  "chat_tool_calls",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    messageId: uuid("message_id")
      .notNull()
      .references(() => chatMessages.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    toolCallId: text("tool_call_id").notNull(),
    toolName: text("tool_name").notNull(),
    args: jsonb("args").$type<Record<string, unknown>>().notNull(),
    outcome: text("outcome", { enum: toolOutcomes }).notNull(),
    summary: text("summary").notNull(),
    view: jsonb("view").$type<Record<string, unknown>>(),
    durationMs: integer("duration_ms").notNull(),
    /** Estimated tokens of the summary handed to the model (0 in deterministic mode). */
    resultTokens: integer("result_tokens").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("chat_tool_calls_message_idx").on(t.messageId, t.seq)],
);

/**
 * Model tokens and cost spent on a case's chat, kept as a running total by every answer's statement:
 * the per-turn budget check reads one row instead of summing every message the case's threads hold.
 */
export const chatCaseUsage = pgTable("chat_case_usage", {
  caseId: uuid("case_id")
    .primaryKey()
    .references(() => cases.id, { onDelete: "cascade" }),
  tokens: bigint("tokens", { mode: "number" }).notNull().default(0),
  costUsd: doublePrecision("cost_usd").notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
