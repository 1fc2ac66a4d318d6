import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { claimStates } from "./constants";

/**
 * One row per dedupe key (docs/architecture.md, "Dedupe and claims"). Inserted with ON CONFLICT DO NOTHING before an investigation
 * starts; only the inserter investigates. A `running` row whose lease expired may be reclaimed.
 */
export const dedupeClaims = pgTable(
  "dedupe_claims",
  {
    key: text("key").primaryKey(),
    identityKey: text("identity_key").notNull(),
    family: text("family").notNull(),
    alertname: text("alertname").notNull(),
    bucket: text("bucket").notNull(),
    state: text("state", { enum: claimStates }).notNull(),
    owner: text("owner").notNull(),
    /** The received alert whose job holds the claim: a redelivery of that same job may wait and reclaim. */
    receiptId: text("receipt_id").notNull(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }).notNull(),
    attempts: integer("attempts").notNull().default(1),
    reportKey: text("report_key"),
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  // A hash index stores 4-byte hash codes: a btree entry of the identity text itself fails above
  // 2 704 bytes, and label values make identities that long.
  (t) => [index("dedupe_claims_identity_hash_idx").using("hash", t.identityKey)],
);
