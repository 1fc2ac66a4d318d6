// GET /api/v1/chat/threads/:id — one thread with its messages and tool calls
import { getChatThread } from "@/lib/chat/get-chat-thread";
import { consoleRoute } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute<{ id: string }>({ mutating: false }, async ({ rt, actor, params }) => {
  return Response.json(await getChatThread({ ctx: { db: rt.database.db, actor }, input: { threadId: params.id } }));
});
