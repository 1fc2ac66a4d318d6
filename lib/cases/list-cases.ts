import { and, asc, desc, eq, gt, gte, ilike, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { cases } from "@/lib/db/schema";
import { classifications } from "@/lib/db/schema/constants";
import { ServiceError } from "@/lib/errors";
import { displayStatus, displayStatuses, type CaseRow, type DisplayStatus } from "./case-state";
import { parseCaseSearch } from "./parse-case-search";

const list = z
  .string()
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(200)).max(50));

/** The inbox query, as it arrives in the URL (`?status=open,snoozed&family=crashloop&q=ns:payments`). */
export const listCasesQuerySchema = z.object({
  status: list.pipe(z.array(z.enum(displayStatuses))).optional(),
  classification: list.pipe(z.array(z.enum(classifications))).optional(),
  family: list.optional(),
  severity: list.optional(),
  namespace: list.optional(),
  cluster: list.optional(),
  team: list.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  q: z.string().max(500).optional(),
  sort: z.enum(["last_seen_desc", "last_seen_asc"]).default("last_seen_desc"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListCasesQuery = z.infer<typeof listCasesQuerySchema>;

export type CaseSummary = {
  id: string;
  title: string;
  alertname: string;
  family: string;
  cluster: string;
  namespace: string | null;
  service: string | null;
  team: string | null;
  severity: string | null;
  targetType: string | null;
  targetName: string | null;
  status: DisplayStatus;
  snoozedUntil: string | null;
  classification: string | null;
  oneLiner: string | null;
  impact: number | null;
  confidence: number | null;
  noise: number | null;
  runCount: number;
  latestRunId: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
};

export function toCaseSummary(row: CaseRow, now: Date): CaseSummary {
  return {
    id: row.id,
    title: row.title,
    alertname: row.alertname,
    family: row.family,
    cluster: row.cluster,
    namespace: row.namespace,
    service: row.service,
    team: row.team,
    severity: row.severity,
    targetType: row.targetType,
    targetName: row.targetName,
    status: displayStatus(row, now),
    snoozedUntil: row.snoozedUntil?.toISOString() ?? null,
    classification: row.classification,
    oneLiner: row.oneLiner,
    impact: row.impact,
    confidence: row.confidence,
    noise: row.noise,
    runCount: row.runCount,
    latestRunId: row.latestRunId,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function contains(column: Parameters<typeof ilike>[0], value: string): SQL {
  return ilike(column, `%${escapeLike(value)}%`);
}

function statusCondition(status: DisplayStatus, now: Date): SQL {
  const snoozed = gt(cases.snoozedUntil, now);
  if (status === "resolved") return eq(cases.status, "resolved");
  if (status === "snoozed") return and(eq(cases.status, "open"), snoozed)!;
  return and(eq(cases.status, "open"), or(isNull(cases.snoozedUntil), lte(cases.snoozedUntil, now)))!;
}

/** Filters shared by the inbox and the facet counts. */
export function caseConditions(query: Omit<ListCasesQuery, "sort" | "limit" | "cursor">, now: Date): SQL[] {
  const where: SQL[] = [];
  if (query.status?.length) where.push(or(...query.status.map((s) => statusCondition(s, now)))!);
  if (query.classification?.length) where.push(inArray(cases.classification, query.classification));
  if (query.family?.length) where.push(inArray(cases.family, query.family));
  if (query.severity?.length) where.push(inArray(cases.severity, query.severity));
  if (query.namespace?.length) where.push(inArray(cases.namespace, query.namespace));
  if (query.cluster?.length) where.push(inArray(cases.cluster, query.cluster));
  if (query.team?.length) where.push(inArray(cases.team, query.team));
  if (query.since) where.push(gte(cases.lastSeenAt, new Date(query.since)));
  if (query.until) where.push(lte(cases.lastSeenAt, new Date(query.until)));
  if (query.q?.trim()) {
    const { terms, words } = parseCaseSearch(query.q);
    if (terms.namespace) where.push(contains(cases.namespace, terms.namespace));
    if (terms.service) where.push(contains(cases.service, terms.service));
    if (terms.alertname) where.push(contains(cases.alertname, terms.alertname));
    if (terms.cluster) where.push(contains(cases.cluster, terms.cluster));
    if (terms.team) where.push(contains(cases.team, terms.team));
    if (terms.pod) {
      where.push(or(sql`${cases.labels}->>'pod' ilike ${`%${escapeLike(terms.pod)}%`}`, contains(cases.targetName, terms.pod))!);
    }
    // Full text finds whole words fast; ILIKE catches fragments such as half a pod name.
    for (const word of words) {
      where.push(
        or(
          sql`${cases.search} @@ plainto_tsquery('simple', ${word})`,
          contains(cases.title, word),
          contains(cases.targetName, word),
          contains(cases.oneLiner, word),
        )!,
      );
    }
  }
  return where;
}

type Cursor = { at: string; id: string };

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.at}|${c.id}`, "utf8").toString("base64url");
}

/** PostgreSQL's own text for a timestamptz, as encodeCursor stores it; anything else never reaches SQL. */
function isPgTimestamp(at: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2}) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.exec(at);
  if (!m) return false;
  const day = new Date(`${m[1]}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === m[1];
}

function decodeCursor(raw: string): Cursor {
  const [at, id] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  if (!at || !id || !z.uuid().safeParse(id).success || !isPgTimestamp(at)) {
    throw new ServiceError("invalid_input", "cursor: not a cursor from a previous page");
  }
  return { at, id };
}

/** One page of the inbox, newest activity first, with keyset pagination on (last_seen_at, id). */
export async function listCases({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; now: Date };
  input: ListCasesQuery;
}): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
  requireRole(ctx.actor, "viewer");
  const where = caseConditions(input, ctx.now);
  const descending = input.sort === "last_seen_desc";
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    // The cursor keeps PostgreSQL's own text for the timestamp: JS dates would drop the microseconds.
    where.push(
      descending
        ? sql`(${cases.lastSeenAt}, ${cases.id}) < (${c.at}::timestamptz, ${c.id}::uuid)`
        : sql`(${cases.lastSeenAt}, ${cases.id}) > (${c.at}::timestamptz, ${c.id}::uuid)`,
    );
  }
  const order = descending ? [desc(cases.lastSeenAt), desc(cases.id)] : [asc(cases.lastSeenAt), asc(cases.id)];
  const rows = await ctx.db
    .select({ row: cases, at: sql<string>`${cases.lastSeenAt}::text` })
    .from(cases)
    .where(and(...where))
    .orderBy(...order)
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toCaseSummary(r.row, ctx.now)),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ at: last.at, id: last.row.id }) : null,
  };
}
