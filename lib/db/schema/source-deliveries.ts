import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Delivery ids (Standard Webhooks `webhook-id`) each signed source has accepted: a second request
 * with an accepted id is a replay and is refused. Rows older than the timestamp tolerance are pruned:
 * a request that old is refused for its timestamp anyway.
 */
export const sourceDeliveries = pgTable(
  "source_deliveries",
  {
    sourceId: text("source_id").notNull(),
    deliveryId: text("delivery_id").notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.deliveryId] })],
);
