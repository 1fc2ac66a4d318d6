CREATE TABLE "case_reruns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"window_minutes" integer NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"requested_by" text NOT NULL,
	"requested_by_id" uuid,
	"run_id" uuid,
	"error" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "investigation_runs" ADD COLUMN "trigger" text DEFAULT 'alert' NOT NULL;--> statement-breakpoint
ALTER TABLE "investigation_runs" ADD COLUMN "time_window" text;--> statement-breakpoint
ALTER TABLE "investigation_runs" ADD COLUMN "requested_by" text;--> statement-breakpoint
ALTER TABLE "case_reruns" ADD CONSTRAINT "case_reruns_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_reruns" ADD CONSTRAINT "case_reruns_run_id_investigation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."investigation_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_reruns_case_idx" ON "case_reruns" USING btree ("case_id","requested_at");--> statement-breakpoint
CREATE INDEX "received_alerts_case_idx" ON "received_alerts" USING btree ("case_id","received_at");