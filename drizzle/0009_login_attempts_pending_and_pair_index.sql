DROP INDEX "login_attempts_username_idx";--> statement-breakpoint
ALTER TABLE "login_attempts" ALTER COLUMN "succeeded" DROP NOT NULL;--> statement-breakpoint
CREATE INDEX "login_attempts_username_idx" ON "login_attempts" USING btree ("username","address","attempted_at");