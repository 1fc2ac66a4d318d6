import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import type { Role } from "@/lib/auth/roles";
import type { DbOrTx } from "@/lib/db/client";
import { actionProposals } from "@/lib/db/schema";
import type { ActionStatus } from "@/lib/db/schema/constants";
import { ServiceError } from "@/lib/errors";
import { recordAudit } from "@/lib/auth/record-audit";
import { auditAfter, toActionView, type ActionRow, type ActionView } from "./action-view";

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

/** A plain transition (reject, done, abandon): role check, lock, status check, update and audit in one transaction. */
export async function applyTransition({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor };
  input: {
    actionId: string;
    note: string;
    role: Role;
    verb: string;
    /** How the refusal reads: "the action is done; only a proposed action can be <refused>". */
    refused: string;
    from: ActionStatus[];
    set: (actor: Actor, note: string | null) => Partial<ActionRow> & { status: ActionStatus };
  };
}): Promise<ActionView> {
  const actor = requireRole(ctx.actor, input.role);
  return ctx.db.transaction(async (tx) => {
    const row = await lockAction(tx, input.actionId, input.refused, input.from);
    const after = await saveTransition(tx, actor, row, { verb: input.verb, set: input.set(actor, input.note || null), note: input.note });
    return toActionView(after);
  });
}
