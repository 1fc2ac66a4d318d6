DROP INDEX "dedupe_claims_identity_idx";--> statement-breakpoint
CREATE INDEX "dedupe_claims_identity_hash_idx" ON "dedupe_claims" USING hash ("identity_key");