import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import type { ActionView } from "./action-view";
import { applyTransition, type ActionNoteInput } from "./transition-action";

/** A proposed or approved action that will not be carried out (overtaken by events, no longer needed). */
export function abandonAction({ ctx, input }: { ctx: { db: DbOrTx; actor: Actor }; input: { actionId: string } & ActionNoteInput }): Promise<ActionView> {
  return applyTransition({
    ctx,
    input: {
      ...input,
      role: "responder",
      verb: "abandon",
      refused: "abandoned",
      from: ["proposed", "approved"],
      set: (actor, note) => ({ status: "abandoned", completedBy: actor.username, completedAt: new Date(), completionNote: note }),
    },
  });
}
