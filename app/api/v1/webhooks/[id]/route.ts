// DELETE /api/v1/webhooks/:id — remove an outbound webhook and its delivery log (admins)
import { deleteWebhookEndpoint } from "@/lib/notifications/delete-webhook-endpoint";
import { consoleRoute } from "../../_lib/console-route";

export const dynamic = "force-dynamic";

export const DELETE = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, params }) => {
  await deleteWebhookEndpoint({ ctx: { db: rt.database.db, actor }, input: { id: params.id } });
  return new Response(null, { status: 204 });
});
