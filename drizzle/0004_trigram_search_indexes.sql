CREATE INDEX "cases_namespace_trgm_idx" ON "cases" USING gin ("namespace" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "cases_alertname_trgm_idx" ON "cases" USING gin ("alertname" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "cases_service_trgm_idx" ON "cases" USING gin ("service" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "cases_target_name_trgm_idx" ON "cases" USING gin ("target_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "cases_title_trgm_idx" ON "cases" USING gin ("title" gin_trgm_ops);