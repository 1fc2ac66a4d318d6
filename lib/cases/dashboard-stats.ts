import { and, count, desc, eq, gt, gte, isNotNull, sql } from "drizzle-orm";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { auditEvents, cases, deadLetters, investigationRuns, receivedAlerts } from "@/lib/db/schema";
import { sqlTime } from "./sql-time";
import { toCaseSummary, type CaseSummary } from "./list-cases";

export type DashboardStats = {
  cases: { open: number; snoozed: number; resolvedLastDay: number; openedLastDay: number };
  openByClassification: { value: string; count: number }[];
  openByFamily: { value: string; count: number }[];
  runsPerDay: { day: string; runs: number; failed: number }[];
  alertsLastDay: { disposition: string; count: number }[];
  deadLettersLastDay: number;
  /** Mean minutes from first seen to resolved, over cases resolved in the last 30 days. */
  meanMinutesToResolve: number | null;
  feedback: { correct: number; wrong: number };
  noisiest: CaseSummary[];
};

const DAY_MS = 86_400_000;

/** Numbers for the dashboard page: workload now, throughput over two weeks, quality signals. */
export async function dashboardStats({ ctx }: { ctx: { db: DbOrTx; actor: Actor; now: Date } }): Promise<DashboardStats> {
  requireRole(ctx.actor, "viewer");
  const { db, now } = ctx;
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const fortnightAgo = new Date(now.getTime() - 14 * DAY_MS);
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
  const snoozed = sql`${cases.snoozedUntil} > ${sqlTime(now)}`;
  const openNotSnoozed = sql`${cases.status} = 'open' and (${cases.snoozedUntil} is null or ${cases.snoozedUntil} <= ${sqlTime(now)})`;

  const [counts] = await db
    .select({
      open: sql<number>`count(*) filter (where ${openNotSnoozed})`,
      snoozed: sql<number>`count(*) filter (where ${cases.status} = 'open' and ${snoozed})`,
      resolvedLastDay: sql<number>`count(*) filter (where ${cases.resolvedAt} >= ${sqlTime(dayAgo)})`,
      openedLastDay: sql<number>`count(*) filter (where ${cases.firstSeenAt} >= ${sqlTime(dayAgo)})`,
      mttr: sql<number | null>`avg(extract(epoch from (${cases.resolvedAt} - ${cases.firstSeenAt})) / 60) filter (where ${cases.resolvedAt} >= ${sqlTime(monthAgo)})`,
    })
    .from(cases);

  const grouped = (column: typeof cases.classification | typeof cases.family) =>
    db
      .select({ value: column, count: count() })
      .from(cases)
      .where(and(sql`${openNotSnoozed}`, isNotNull(column)))
      .groupBy(column)
      .orderBy(desc(count()))
      .limit(10);

  const day = sql<string>`to_char(date_trunc('day', ${investigationRuns.finishedAt} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const [byClassification, byFamily, runs, alerts, [dead], feedback, noisiest] = await Promise.all([
    grouped(cases.classification),
    grouped(cases.family),
    db
      .select({ day, runs: count(), failed: sql<number>`count(*) filter (where ${investigationRuns.status} = 'failed')` })
      .from(investigationRuns)
      .where(gte(investigationRuns.finishedAt, fortnightAgo))
      .groupBy(sql`1`)
      .orderBy(sql`1`),
    db
      .select({ disposition: receivedAlerts.disposition, count: count() })
      .from(receivedAlerts)
      .where(gte(receivedAlerts.receivedAt, dayAgo))
      .groupBy(receivedAlerts.disposition)
      .orderBy(desc(count())),
    db.select({ n: count() }).from(deadLetters).where(gte(deadLetters.createdAt, dayAgo)),
    db
      .select({ verdict: sql<string>`${auditEvents.after}->>'verdict'`, n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "feedback"), gte(auditEvents.createdAt, monthAgo)))
      .groupBy(sql`1`),
    db.select().from(cases).where(and(eq(cases.status, "open"), gt(cases.runCount, 1))).orderBy(desc(cases.runCount)).limit(5),
  ]);

  const verdicts = Object.fromEntries(feedback.map((f) => [f.verdict, Number(f.n)]));
  return {
    cases: {
      open: Number(counts.open),
      snoozed: Number(counts.snoozed),
      resolvedLastDay: Number(counts.resolvedLastDay),
      openedLastDay: Number(counts.openedLastDay),
    },
    openByClassification: byClassification.map((r) => ({ value: String(r.value), count: Number(r.count) })),
    openByFamily: byFamily.map((r) => ({ value: String(r.value), count: Number(r.count) })),
    runsPerDay: runs.map((r) => ({ day: r.day, runs: Number(r.runs), failed: Number(r.failed) })),
    alertsLastDay: alerts.map((r) => ({ disposition: r.disposition, count: Number(r.count) })),
    deadLettersLastDay: Number(dead?.n ?? 0),
    meanMinutesToResolve: counts.mttr === null ? null : Math.round(Number(counts.mttr)),
    feedback: { correct: verdicts.correct ?? 0, wrong: verdicts.wrong ?? 0 },
    noisiest: noisiest.map((r) => toCaseSummary(r, now)),
  };
}
