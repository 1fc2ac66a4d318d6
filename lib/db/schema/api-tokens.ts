import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { roles } from "./constants";
import { users } from "./auth";

/**
 * Scoped API tokens for scripts and other services. Only the SHA-256 of the secret is kept; the
 * secret is shown once, when the token is created. `prefix` (the token's first characters) finds the
 * candidate rows and lets people tell their tokens apart.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    prefix: text("prefix").notNull(),
    role: text("role", { enum: roles }).notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "cascade" }),
    createdByName: text("created_by_name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_tokens_token_hash_uq").on(t.tokenHash), index("api_tokens_prefix_idx").on(t.prefix)],
);
