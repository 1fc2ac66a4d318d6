// GET /api/v1/users — every user (admins); POST /api/v1/users — {username, password, role} creates a local user (admins)
import { createUser, localUserInputSchema } from "@/lib/auth/create-user";
import { listUsers } from "@/lib/auth/list-users";
import { consoleRoute, parseBody } from "../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({ mutating: false }, async ({ rt, actor }) => Response.json(await listUsers({ ctx: { db: rt.database.db, actor } })));

export const POST = consoleRoute({ mutating: true }, async ({ rt, actor, req }) => {
  const input = await parseBody(req, localUserInputSchema);
  return Response.json(await createUser({ ctx: { db: rt.database.db, actor }, input }), { status: 201 });
});
