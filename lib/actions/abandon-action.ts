import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { toActionView, type ActionView } from "./action-view";
import { lockAction, saveTransition, type ActionNoteInput } from "./transition-action";

/** A proposed or approved action that will not be carried out (overtaken by events, no longer needed). */
export async function abandonAction({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor };
  input: { actionId: string } & ActionNoteInput;
}): Promise<ActionView> {
  const actor = requireRole(ctx.actor, "responder");
  return ctx.db.transaction(async (tx) => {
    const row = await lockAction(tx, input.actionId, "abandoned", ["proposed", "approved"]);
    const after = await saveTransition(tx, actor, row, {
      verb: "abandon",
      set: { status: "abandoned", completedBy: actor.username, completedAt: new Date(), completionNote: input.note || null },
      note: input.note,
    });
    return toActionView(after);
  });
}
