import { and, count, desc, sql, type AnyColumn } from "drizzle-orm";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { cases } from "@/lib/db/schema";
import { sqlTime } from "./sql-time";
import { caseConditions, type ListCasesQuery } from "./list-cases";

export type FacetValue = { value: string; count: number };
export type CaseFacets = Record<"status" | "classification" | "family" | "severity" | "namespace" | "cluster" | "team", FacetValue[]>;

const FACET_LIMIT = 50;

/** Counts per filter value for the inbox sidebar, over the cases the other filters select. */
export async function caseFacets({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; now: Date };
  input: Omit<ListCasesQuery, "sort" | "limit" | "cursor">;
}): Promise<CaseFacets> {
  requireRole(ctx.actor, "viewer");
  const where = and(...caseConditions(input, ctx.now));
  const by = async (column: AnyColumn | ReturnType<typeof sql<string>>): Promise<FacetValue[]> => {
    const rows = await ctx.db
      .select({ value: sql<string | null>`${column}`, count: count() })
      .from(cases)
      .where(where)
      .groupBy(sql`1`)
      .orderBy(desc(count()), sql`1`)
      .limit(FACET_LIMIT);
    return rows.filter((r) => r.value !== null && r.value !== "").map((r) => ({ value: String(r.value), count: Number(r.count) }));
  };
  const status = sql<string>`case when ${cases.status} = 'resolved' then 'resolved' when ${cases.snoozedUntil} > ${sqlTime(ctx.now)} then 'snoozed' else 'open' end`;
  const [st, classification, family, severity, namespace, cluster, team] = await Promise.all([
    by(status),
    by(cases.classification),
    by(cases.family),
    by(cases.severity),
    by(cases.namespace),
    by(cases.cluster),
    by(cases.team),
  ]);
  return { status: st, classification, family, severity, namespace, cluster, team };
}
