import { and, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { caseReruns, receivedAlerts } from "@/lib/db/schema";
import { ServiceError, errorMessage } from "@/lib/errors";
import { invalidInput } from "@/lib/http/zod-issues";
import { rerunKey, type RerunJob } from "@/lib/queue/job";
import type { JobQueue } from "@/lib/queue/types";
import { lockCase } from "./case-state";
import { recordAudit } from "@/lib/auth/record-audit";

/** Bounds of the look-back window a person may ask for. */
export const RERUN_MIN_WINDOW_MINUTES = 5;
export const RERUN_MAX_WINDOW_MINUTES = 24 * 60;
/** Re-runs per case per hour: each one queries every provider again. */
export const RERUN_LIMIT_PER_HOUR = 6;
/** A re-run still queued or running after this long is taken as lost (its job dead-lettered or its queue restarted). */
export const RERUN_STALE_MINUTES = 30;

export const requestRerunInputSchema = z
  .object({
    windowMinutes: z
      .number({ error: "expected a number of minutes" })
      .int({ message: "expected whole minutes" })
      .min(RERUN_MIN_WINDOW_MINUTES, { message: `at least ${RERUN_MIN_WINDOW_MINUTES} minutes` })
      .max(RERUN_MAX_WINDOW_MINUTES, { message: `at most ${RERUN_MAX_WINDOW_MINUTES} minutes (24 hours)` }),
  })
  .strict();
export type RequestRerunInput = z.infer<typeof requestRerunInputSchema>;

export type RerunRow = typeof caseReruns.$inferSelect;

export type RerunView = {
  id: string;
  caseId: string;
  windowMinutes: number;
  status: RerunRow["status"];
  requestedBy: string;
  runId: string | null;
  error: string | null;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export function toRerunView(row: RerunRow): RerunView {
  return {
    id: row.id,
    caseId: row.caseId,
    windowMinutes: row.windowMinutes,
    status: row.status,
    requestedBy: row.requestedBy,
    runId: row.runId,
    error: row.error,
    requestedAt: row.requestedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** `30m`, `2h`, `1d`: the duration the investigation's window takes. */
export function windowDuration(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/**
 * A responder asks for the case to be investigated again with another look-back window. Read-only
 * toward the cluster: it only adds a run and its report to the case. At most one re-run per case is
 * in flight (409) and at most RERUN_LIMIT_PER_HOUR are asked for per hour (429).
 */
export async function requestRerun({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; queue: JobQueue; actor: Actor; now: Date };
  input: { caseId: string } & RequestRerunInput;
}): Promise<RerunView> {
  const actor = requireRole(ctx.actor, "responder");
  const parsed = requestRerunInputSchema.safeParse({ windowMinutes: input.windowMinutes });
  if (!parsed.success) throw invalidInput(parsed.error, "invalid re-run");
  const { windowMinutes } = parsed.data;
  const rerun = await ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, input.caseId);
    const [alert] = await tx.select({ id: receivedAlerts.id }).from(receivedAlerts).where(eq(receivedAlerts.caseId, row.id)).orderBy(desc(receivedAlerts.receivedAt)).limit(1);
    if (!alert) throw new ServiceError("conflict", "this case has no received alert to investigate again");
    await tx
      .update(caseReruns)
      .set({ status: "failed", error: `no worker finished it within ${RERUN_STALE_MINUTES} minutes`, finishedAt: ctx.now })
      .where(
        and(
          eq(caseReruns.caseId, row.id),
          inArray(caseReruns.status, ["queued", "running"]),
          lt(caseReruns.requestedAt, new Date(ctx.now.getTime() - RERUN_STALE_MINUTES * 60_000)),
        ),
      );
    const recent = await tx
      .select()
      .from(caseReruns)
      .where(and(eq(caseReruns.caseId, row.id), gt(caseReruns.requestedAt, new Date(ctx.now.getTime() - 3_600_000))))
      .orderBy(desc(caseReruns.requestedAt));
    const inFlight = recent.find((r) => r.status === "queued" || r.status === "running");
    if (inFlight) {
      throw new ServiceError("conflict", `a re-run of this case is already ${inFlight.status} (asked by ${inFlight.requestedBy}); wait for it to finish`, {
        details: { rerun: toRerunView(inFlight) },
      });
    }
    if (recent.length >= RERUN_LIMIT_PER_HOUR) {
      const retryAt = new Date(recent[RERUN_LIMIT_PER_HOUR - 1].requestedAt.getTime() + 3_600_000);
      throw new ServiceError("rate_limited", `at most ${RERUN_LIMIT_PER_HOUR} re-runs of a case an hour; try again after ${retryAt.toISOString()}`, {
        details: { retryAt: retryAt.toISOString() },
      });
    }
    const [created] = await tx
      .insert(caseReruns)
      .values({ caseId: row.id, windowMinutes, requestedBy: actor.username, requestedById: actor.id, requestedAt: ctx.now })
      .returning();
    await recordAudit({ ctx: { db: tx, actor }, input: { caseId: row.id, action: "rerun", after: { rerunId: created.id, windowMinutes } } });
    return created;
  });
  const job: RerunJob = { kind: "rerun", rerunId: rerun.id, caseId: rerun.caseId, timeWindow: windowDuration(windowMinutes) };
  try {
    await ctx.queue.publish(job, rerunKey(job));
  } catch (e) {
    await ctx.db
      .update(caseReruns)
      .set({ status: "failed", error: `could not be queued: ${errorMessage(e)}`, finishedAt: sql`now()` })
      .where(eq(caseReruns.id, rerun.id));
    throw new ServiceError("unavailable", `the re-run could not be queued: ${errorMessage(e)}`, { cause: e });
  }
  return toRerunView(rerun);
}
