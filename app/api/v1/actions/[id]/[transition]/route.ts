// POST /api/v1/actions/:id/{approve|reject|done|abandon} — {note?}: move a proposal along its lifecycle
import { abandonAction } from "@/lib/actions/abandon-action";
import { approveAction } from "@/lib/actions/approve-action";
import { markActionDone } from "@/lib/actions/mark-action-done";
import { rejectAction } from "@/lib/actions/reject-action";
import { actionNoteInputSchema } from "@/lib/actions/transition-action";
import { ServiceError } from "@/lib/errors";
import { createAlertmanagerSilence } from "@/lib/investigate/providers/alertmanager";
import { consoleRoute, parseBody } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

const transitions = { approve: approveAction, reject: rejectAction, done: markActionDone, abandon: abandonAction };

export const POST = consoleRoute<{ id: string; transition: string }>({ mutating: true }, async ({ rt, actor, req, params }) => {
  if (!Object.hasOwn(transitions, params.transition)) throw new ServiceError("not_found", `no action transition ${params.transition}`);
  const body = await parseBody(req, actionNoteInputSchema);
  const baseUrl = rt.env.ALERTMANAGER_URL;
  const createSilence = baseUrl
    ? (s: Parameters<typeof createAlertmanagerSilence>[1]) => createAlertmanagerSilence({ baseUrl, timeoutMs: rt.env.PROVIDER_TIMEOUT_MS }, s)
    : undefined;
  const transition = transitions[params.transition as keyof typeof transitions];
  return Response.json(await transition({ ctx: { db: rt.database.db, actor, createSilence, outbound: rt.outbound }, input: { actionId: params.id, ...body } }));
});
