import { sql, type SQL } from "drizzle-orm";

/** A timestamp parameter for raw SQL fragments: postgres-js cannot bind a bare Date there. */
export function sqlTime(d: Date): SQL {
  return sql`${d.toISOString()}::timestamptz`;
}
