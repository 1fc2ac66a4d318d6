// PATCH /api/v1/users/:id — {role?, disabled?} (admins); disabling ends the user's sessions
import { updateUser, updateUserInputSchema } from "@/lib/auth/update-user";
import { consoleRoute, parseBody } from "../../_lib/console-route";

export const dynamic = "force-dynamic";

export const PATCH = consoleRoute<{ id: string }>({ mutating: true }, async ({ rt, actor, req, params, now }) => {
  const input = await parseBody(req, updateUserInputSchema);
  return Response.json(await updateUser({ ctx: { db: rt.database.db, actor, now }, input: { ...input, id: params.id } }));
});
