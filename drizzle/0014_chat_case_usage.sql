CREATE TABLE "chat_case_usage" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chat_case_usage" ADD CONSTRAINT "chat_case_usage_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
INSERT INTO "chat_case_usage" ("case_id", "tokens", "cost_usd")
SELECT t."case_id", sum(m."input_tokens" + m."output_tokens"), sum(m."cost_usd")
FROM "chat_messages" m JOIN "chat_threads" t ON t."id" = m."thread_id"
WHERE t."case_id" IS NOT NULL
GROUP BY t."case_id"
HAVING sum(m."input_tokens" + m."output_tokens") > 0 OR sum(m."cost_usd") > 0;
