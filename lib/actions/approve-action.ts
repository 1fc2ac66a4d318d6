import { requireRole, type Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { ServiceError } from "@/lib/errors";
import { enqueueCaseEvent, type OutboundChannels } from "@/lib/notifications/case-event";
import type { SilenceToCreate } from "@/lib/investigate/providers/alertmanager";
import { actionSpecSchema } from "./action-command";
import { toActionView, type ActionRow, type ActionView } from "./action-view";
import { lockAction, saveTransition, type ActionNoteInput } from "./transition-action";

/** Creates an Alertmanager silence and returns its id (createAlertmanagerSilence in production). */
export type CreateSilence = (silence: SilenceToCreate) => Promise<string>;

function isOwnProposal(row: ActionRow, actor: Actor): boolean {
  return (row.proposedById !== null && row.proposedById === actor.id) || row.proposedBy === actor.username;
}

/**
 * An admin approves someone else's proposal. Tarka carries out nothing, except a silence: that one is
 * created in Alertmanager now (no cluster change), its id and expiry recorded, and the action is done.
 */
export async function approveAction({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx; actor: Actor; createSilence?: CreateSilence; now?: Date; outbound?: OutboundChannels };
  input: { actionId: string } & ActionNoteInput;
}): Promise<ActionView> {
  const actor = requireRole(ctx.actor, "admin");
  return ctx.db.transaction(async (tx) => {
    const row = await lockAction(tx, input.actionId, "approved", ["proposed"]);
    if (isOwnProposal(row, actor)) throw new ServiceError("forbidden", "nobody approves their own proposal: ask another admin");
    const approved = await saveTransition(tx, actor, row, {
      verb: "approve",
      set: { status: "approved", decidedBy: actor.username, decidedAt: new Date(), decisionNote: input.note || null },
      note: input.note,
    });
    await enqueueCaseEvent({
      ctx: { db: tx, outbound: ctx.outbound },
      input: { event: "action.approved", caseId: row.caseId, actor: actor.username, action: { id: row.id, kind: row.kind, title: row.title, status: "approved" } },
    });
    const spec = actionSpecSchema.parse(row.params);
    if (spec.kind !== "silence") return toActionView(approved);
    if (!ctx.createSilence) {
      throw new ServiceError("unavailable", "ALERTMANAGER_URL is not set, so Tarka cannot create the silence; the proposal stays proposed");
    }
    // Created while the row is locked, so a failed call rolls the approval back and two admins
    // approving at once create one silence; the comment names the case if the commit itself fails.
    const startsAt = ctx.now ?? new Date();
    const endsAt = new Date(startsAt.getTime() + spec.durationMinutes * 60_000);
    const silenceId = await ctx.createSilence({
      matchers: spec.matchers,
      startsAt,
      endsAt,
      createdBy: actor.username,
      comment: `${spec.comment} (Tarka case ${row.caseId}; proposed by ${row.proposedBy}, approved by ${actor.username})`,
    });
    const done = await saveTransition(tx, actor, approved, {
      verb: "done",
      set: {
        status: "done",
        silenceId,
        silenceEndsAt: endsAt,
        completedBy: actor.username,
        completedAt: new Date(),
        completionNote: `silence ${silenceId} created in Alertmanager, expires ${endsAt.toISOString()}`,
      },
      note: `silence ${silenceId} created in Alertmanager, expires ${endsAt.toISOString()}`,
    });
    return toActionView(done);
  });
}
