import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { toActionView, type ActionView } from "./action-view";
import { lockAction, saveTransition, type ActionNoteInput } from "./transition-action";

/** An admin turns a proposal down, saying why. */
export async function rejectAction({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor };
  input: { actionId: string } & ActionNoteInput;
}): Promise<ActionView> {
  const actor = requireRole(ctx.actor, "admin");
  return ctx.db.transaction(async (tx) => {
    const row = await lockAction(tx, input.actionId, "rejected", ["proposed"]);
    const after = await saveTransition(tx, actor, row, {
      verb: "reject",
      set: { status: "rejected", decidedBy: actor.username, decidedAt: new Date(), decisionNote: input.note || null },
      note: input.note,
    });
    return toActionView(after);
  });
}
