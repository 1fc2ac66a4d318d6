import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { caseEvents, notificationChannels, notificationEvents, notificationStatuses, type CaseEvent } from "./constants";

/** Where signed case events are POSTed (Standard Webhooks); the secret signs and is never shown back. */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  url: text("url").notNull(),
  secret: text("secret").notNull(),
  events: jsonb("events").$type<CaseEvent[]>().notNull().default([...caseEvents]),
  enabled: boolean("enabled").notNull().default(true),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The notification outbox: one row per delivery to one channel (Slack, or one webhook endpoint).
 * Written in the transaction that made the change, sent by the worker's delivery loop, kept as the
 * delivery log. Deliveries of one case to one channel go out in `seq` order.
 */
export const notificationOutbox = pgTable(
  "notification_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    seq: bigserial("seq", { mode: "number" }).notNull(),
    channel: text("channel", { enum: notificationChannels }).notNull(),
    endpointId: uuid("endpoint_id").references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    caseId: uuid("case_id").references(() => cases.id, { onDelete: "cascade" }),
    event: text("event", { enum: notificationEvents }).notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /** Set for work that may be offered twice (a Slack event retried by Slack): the second insert is dropped. */
    dedupeKey: text("dedupe_key"),
    status: text("status", { enum: notificationStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** Redacted; never a token or a response body. */
    lastError: text("last_error"),
    responseCode: integer("response_code"),
    durationMs: integer("duration_ms"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("notification_outbox_due_idx").on(t.status, t.nextAttemptAt),
    index("notification_outbox_case_idx").on(t.caseId, t.channel, t.seq),
    index("notification_outbox_endpoint_idx").on(t.endpointId, t.createdAt),
    uniqueIndex("notification_outbox_dedupe_uq").on(t.dedupeKey),
  ],
);

/** The Slack message of a case: re-runs and resolution update it and reply in its thread. */
export const slackMessages = pgTable(
  "slack_messages",
  {
    caseId: uuid("case_id")
      .primaryKey()
      .references(() => cases.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    ts: text("ts").notNull(),
    permalink: text("permalink"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("slack_messages_channel_ts_uq").on(t.channel, t.ts)],
);
