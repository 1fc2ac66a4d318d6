CREATE TABLE "source_deliveries" (
	"source_id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"accepted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "source_deliveries_source_id_delivery_id_pk" PRIMARY KEY("source_id","delivery_id")
);
--> statement-breakpoint
ALTER TABLE "received_alerts" ADD COLUMN "source" text DEFAULT 'alertmanager' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "source" text DEFAULT 'alertmanager' NOT NULL;