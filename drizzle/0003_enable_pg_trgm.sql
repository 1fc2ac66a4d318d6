-- Trigram indexes let the console's `ns:`, `alert:`, `svc:` and fragment searches (ILIKE '%…%') use an index.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
