// DELETE /api/v1/tokens/:id — revoke an API token (admins)
import { revokeApiToken } from "@/lib/auth/revoke-api-token";
import { consoleRoute } from "../../_lib/console-route";

export const dynamic = "force-dynamic";

export const DELETE = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, params, now }) =>
  Response.json(await revokeApiToken({ ctx: { db: rt.database.db, actor, now }, input: { id: params.id } })),
);
