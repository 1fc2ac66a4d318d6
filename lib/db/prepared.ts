import type { DbOrTx } from "./client";

/**
 * A query built once per database handle, then run with `sql.placeholder` values. drizzle rebuilds
 * a query's SQL from its tree on every call: about 0.3 ms of CPU for a two-table select, against
 * 0.1 ms to run the prepared one (measured 2026-12-06). For the reads every request or chat turn makes.
 * Placeholder values reach the driver as given, without the column's encoding: pass timestamps as ISO strings.
 */
export function preparedQuery<Q>(build: (db: DbOrTx) => Q): (db: DbOrTx) => Q {
  const byHandle = new WeakMap<DbOrTx, Q>();
  return (db) => {
    let query = byHandle.get(db);
    if (query === undefined) byHandle.set(db, (query = build(db)));
    return query;
  };
}
