import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import type { ActionView } from "./action-view";
import { applyTransition, type ActionNoteInput } from "./transition-action";

/** An admin turns a proposal down, saying why. */
export function rejectAction({ ctx, input }: { ctx: { db: DbOrTx; actor: Actor }; input: { actionId: string } & ActionNoteInput }): Promise<ActionView> {
  return applyTransition({
    ctx,
    input: {
      ...input,
      role: "admin",
      verb: "reject",
      refused: "rejected",
      from: ["proposed"],
      set: (actor, note) => ({ status: "rejected", decidedBy: actor.username, decidedAt: new Date(), decisionNote: note }),
    },
  });
}
