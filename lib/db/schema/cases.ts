import { sql } from "drizzle-orm";
import { customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { caseStatuses, classifications } from "./constants";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/** A case groups the investigation runs of one identity; resolved alerts close it, a re-fire reopens it. */
export const cases = pgTable(
  "cases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    identityKey: text("identity_key").notNull(),
    identityKind: text("identity_kind").notNull(),
    cluster: text("cluster").notNull().default(""),
    namespace: text("namespace"),
    title: text("title").notNull(),
    alertname: text("alertname").notNull(),
    /** The alert source of the latest run: "alertmanager" or a configured source id. */
    source: text("source").notNull().default("alertmanager"),
    family: text("family").notNull(),
    severity: text("severity"),
    team: text("team"),
    service: text("service"),
    targetType: text("target_type"),
    targetName: text("target_name"),
    status: text("status", { enum: caseStatuses }).notNull().default("open"),
    snoozedUntil: timestamp("snoozed_until", { withTimezone: true }),
    classification: text("classification", { enum: classifications }),
    oneLiner: text("one_liner"),
    impact: integer("impact"),
    confidence: integer("confidence"),
    noise: integer("noise"),
    latestRunId: uuid("latest_run_id"),
    runCount: integer("run_count").notNull().default(0),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolution: jsonb("resolution").$type<Record<string, unknown>>(),
    /** What case memory compares cases on: the latest run's one-liner and top hypotheses (`caseMemoryText`). */
    memoryText: text("memory_text"),
    labels: jsonb("labels").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('simple', coalesce("title", '') || ' ' || coalesce("alertname", '') || ' ' || coalesce("namespace", '') || ' ' || coalesce("service", '') || ' ' || coalesce("target_name", '') || ' ' || coalesce("one_liner", ''))`,
    ),
  },
  (t) => [
    uniqueIndex("cases_identity_key_uq").on(t.identityKey),
    index("cases_status_last_seen_idx").on(t.status, t.lastSeenAt),
    index("cases_last_seen_idx").on(t.lastSeenAt),
    index("cases_family_last_seen_idx").on(t.family, t.lastSeenAt),
    // Intake and the worker ask which cases are snoozed for every alert.
    index("cases_snoozed_until_idx").on(t.snoozedUntil).where(sql`${t.snoozedUntil} is not null`),
    index("cases_search_idx").using("gin", t.search),
    // Trigram indexes (pg_trgm, migration 0003) serve the console's substring searches.
    index("cases_namespace_trgm_idx").using("gin", t.namespace.op("gin_trgm_ops")),
    index("cases_alertname_trgm_idx").using("gin", t.alertname.op("gin_trgm_ops")),
    index("cases_service_trgm_idx").using("gin", t.service.op("gin_trgm_ops")),
    index("cases_target_name_trgm_idx").using("gin", t.targetName.op("gin_trgm_ops")),
    index("cases_title_trgm_idx").using("gin", t.title.op("gin_trgm_ops")),
  ],
);
