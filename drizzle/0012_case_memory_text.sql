DROP INDEX "cases_family_idx";--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ALTER COLUMN "events" SET DEFAULT '["case.opened","case.updated","case.resolved","case.reopened","case.acknowledged","case.snoozed","action.approved"]'::jsonb;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "memory_text" text;--> statement-breakpoint
UPDATE "cases" c SET "memory_text" = left(coalesce(r."one_liner", c."one_liner", '') || coalesce((
  SELECT string_agg(' ' || (h->>'title') || ' ' || (h->>'category'), '') FROM jsonb_array_elements(r."top_hypotheses") h
), ''), 500) FROM "investigation_runs" r WHERE r."id" = c."latest_run_id";--> statement-breakpoint
CREATE INDEX "cases_family_last_seen_idx" ON "cases" USING btree ("family","last_seen_at");--> statement-breakpoint
CREATE INDEX "cases_snoozed_until_idx" ON "cases" USING btree ("snoozed_until") WHERE "cases"."snoozed_until" is not null;