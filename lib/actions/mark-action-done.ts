import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import type { ActionView } from "./action-view";
import { applyTransition, type ActionNoteInput } from "./transition-action";

/** The human who carried out an approved action records it; Tarka never runs the command. */
export function markActionDone({ ctx, input }: { ctx: { db: DbOrTx; actor: Actor }; input: { actionId: string } & ActionNoteInput }): Promise<ActionView> {
  return applyTransition({
    ctx,
    input: {
      ...input,
      role: "responder",
      verb: "done",
      refused: "marked done",
      from: ["approved"],
      set: (actor, note) => ({ status: "done", completedBy: actor.username, completedAt: new Date(), completionNote: note }),
    },
  });
}
