// GET /api/v1/webhooks — outbound webhooks and their latest deliveries (admins); POST — {name, url, events?}, answers the signing secret once
import { createWebhookEndpoint, createWebhookEndpointInputSchema } from "@/lib/notifications/create-webhook-endpoint";
import { listWebhookEndpoints } from "@/lib/notifications/list-webhook-endpoints";
import { consoleRoute, parseBody } from "../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({ mutating: false }, async ({ rt, actor }) =>
  Response.json(await listWebhookEndpoints({ ctx: { db: rt.database.db, actor } })),
);

export const POST = consoleRoute({ mutating: true }, async ({ rt, actor, req }) => {
  const input = await parseBody(req, createWebhookEndpointInputSchema);
  return Response.json(await createWebhookEndpoint({ ctx: { db: rt.database.db, actor }, input }), { status: 201 });
});
