import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { toActionView, type ActionView } from "./action-view";
import { lockAction, saveTransition, type ActionNoteInput } from "./transition-action";

/** The human who carried out an approved action records it; Tarka never runs the command. */
export async function markActionDone({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor };
  input: { actionId: string } & ActionNoteInput;
}): Promise<ActionView> {
  const actor = requireRole(ctx.actor, "responder");
  return ctx.db.transaction(async (tx) => {
    const row = await lockAction(tx, input.actionId, "marked done", ["approved"]);
    const after = await saveTransition(tx, actor, row, {
      verb: "done",
      set: { status: "done", completedBy: actor.username, completedAt: new Date(), completionNote: input.note || null },
      note: input.note,
    });
    return toActionView(after);
  });
}
