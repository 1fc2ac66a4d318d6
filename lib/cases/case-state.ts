import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/lib/db/client";
import { cases } from "@/lib/db/schema";
import { ServiceError } from "@/lib/errors";

export type CaseRow = typeof cases.$inferSelect;

/** What the console shows: `snoozed` is an open case whose snooze has not run out. */
export const displayStatuses = ["open", "snoozed", "resolved"] as const;
export type DisplayStatus = (typeof displayStatuses)[number];

export function displayStatus(row: Pick<CaseRow, "status" | "snoozedUntil">, now: Date): DisplayStatus {
  if (row.status === "resolved") return "resolved";
  return row.snoozedUntil && row.snoozedUntil > now ? "snoozed" : "open";
}

/** The fields a console action changes, as the audit trail's before/after. */
export function stateOf(row: CaseRow): Record<string, unknown> {
  return {
    status: row.status,
    snoozedUntil: row.snoozedUntil?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolution: row.resolution ?? null,
  };
}

const idSchema = z.uuid();

export function assertCaseId(id: string): string {
  if (!idSchema.safeParse(id).success) throw new ServiceError("not_found", `no case ${id}`);
  return id;
}

/** The case row locked for update inside the caller's transaction. */
export async function lockCase(db: DbOrTx, id: string): Promise<CaseRow> {
  const [row] = await db.select().from(cases).where(eq(cases.id, assertCaseId(id))).for("update");
  if (!row) throw new ServiceError("not_found", `no case ${id}`);
  return row;
}
