import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { roles } from "./constants";

/** Console users: local accounts (password hash) and OIDC accounts (keyed by verified e-mail). */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    username: text("username").notNull(),
    email: text("email"),
    name: text("name"),
    role: text("role", { enum: roles }).notNull().default("viewer"),
    provider: text("provider", { enum: ["local", "google"] }).notNull(),
    passwordHash: text("password_hash"),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("users_username_uq").on(t.username)],
);

/** Server-side sessions: the JWT only carries the id, so deleting or revoking a row ends the session. */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/**
 * Sign-in attempts, for the login throttle (lib/auth/verify-credentials.ts): `succeeded` is null while
 * the password is being checked, so concurrent guesses count before any of them is verified.
 */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    username: text("username").notNull(),
    address: text("address").notNull(),
    succeeded: boolean("succeeded"),
    attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("login_attempts_username_idx").on(t.username, t.address, t.attemptedAt),
    index("login_attempts_address_idx").on(t.address, t.attemptedAt),
    index("login_attempts_attempted_at_idx").on(t.attemptedAt),
  ],
);
