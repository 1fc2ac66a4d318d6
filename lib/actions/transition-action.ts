import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { actionProposals } from "@/lib/db/schema";
import type { ActionStatus } from "@/lib/db/schema/constants";
import { ServiceError } from "@/lib/errors";
import { recordAudit } from "@/lib/cases/record-audit";
import { auditAfter, type ActionRow } from "./action-view";

export const actionNoteInputSchema = z.object({ note: z.string().trim().max(2000).default("") });
export type ActionNoteInput = z.infer<typeof actionNoteInputSchema>;

const idSchema = z.uuid();

/** The proposal locked for update inside the caller's transaction, refused unless its status is one of `from`. */
export async function lockAction(db: DbOrTx, id: string, verb: string, from: ActionStatus[]): Promise<ActionRow> {
  if (!idSchema.safeParse(id).success) throw new ServiceError("not_found", `no action ${id}`);
  const [row] = await db.select().from(actionProposals).where(eq(actionProposals.id, id)).for("update");
  if (!row) throw new ServiceError("not_found", `no action ${id}`);
  if (!from.includes(row.status)) {
    throw new ServiceError("conflict", `the action is ${row.status}; only a ${from.join(" or ")} action can be ${verb}`);
  }
  return row;
}

/** Write one transition and its audit row (same transaction). */
export async function saveTransition(
  db: DbOrTx,
  actor: Actor,
  row: ActionRow,
  input: { verb: string; set: Partial<ActionRow> & { status: ActionStatus }; note: string },
): Promise<ActionRow> {
  const [after] = await db
    .update(actionProposals)
    .set({ ...input.set, updatedAt: sql`now()` })
    .where(eq(actionProposals.id, row.id))
    .returning();
  await recordAudit({
    ctx: { db, actor },
    input: { caseId: row.caseId, action: `action.${input.verb}`, before: { actionId: row.id, status: row.status }, after: auditAfter(after, input.note || null) },
  });
  return after;
}
