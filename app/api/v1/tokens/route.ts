// GET /api/v1/tokens — every API token (admins); POST /api/v1/tokens — {name, role, expiresInDays?}, answers the secret once
import { createApiToken, createApiTokenInputSchema } from "@/lib/auth/create-api-token";
import { listApiTokens } from "@/lib/auth/list-api-tokens";
import { consoleRoute, parseBody } from "../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({ mutating: false }, async ({ rt, actor }) =>
  Response.json(await listApiTokens({ ctx: { db: rt.database.db, actor } })),
);

export const POST = consoleRoute({ mutating: true }, async ({ rt, actor, req, now }) => {
  const input = await parseBody(req, createApiTokenInputSchema);
  return Response.json(await createApiToken({ ctx: { db: rt.database.db, actor, now }, input }), { status: 201 });
});
