CREATE TABLE "action_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"run_id" uuid,
	"derivation_key" text,
	"source" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"risk" text NOT NULL,
	"title" text NOT NULL,
	"params" jsonb NOT NULL,
	"command" text NOT NULL,
	"preconditions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rationale" text DEFAULT '' NOT NULL,
	"proposed_by" text NOT NULL,
	"proposed_by_id" uuid,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"completed_by" text,
	"completed_at" timestamp with time zone,
	"completion_note" text,
	"silence_id" text,
	"silence_ends_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "investigation_runs" ADD COLUMN "top_hypotheses" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "action_proposals" ADD CONSTRAINT "action_proposals_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_proposals" ADD CONSTRAINT "action_proposals_run_id_investigation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."investigation_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_proposals_case_idx" ON "action_proposals" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "action_proposals_derivation_uq" ON "action_proposals" USING btree ("derivation_key");