DROP INDEX "cases_family_idx";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "memory_text" text;--> statement-breakpoint
UPDATE "cases" c SET "memory_text" = left(coalesce(r."one_liner", c."one_liner", '') || coalesce((
  SELECT string_agg(' ' || (h->>'title') || ' ' || (h->>'category'), '') FROM jsonb_array_elements(r."top_hypotheses") h
), ''), 500) FROM "investigation_runs" r WHERE r."id" = c."latest_run_id";--> statement-breakpoint
CREATE INDEX "cases_family_last_seen_idx" ON "cases" USING btree ("family","last_seen_at");