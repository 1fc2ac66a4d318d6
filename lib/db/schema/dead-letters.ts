import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** Mirror of the dead-letter queue in PostgreSQL, so the console and the loss check can see it. */
export const deadLetters = pgTable(
  "dead_letters",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").notNull(),
    reason: text("reason").notNull(),
    deliveries: integer("deliveries").notNull(),
    receiptId: uuid("receipt_id"),
    job: jsonb("job").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("dead_letters_created_idx").on(t.createdAt)],
);
