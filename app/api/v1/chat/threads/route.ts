// GET /api/v1/chat/threads?caseId= — a case's chat threads, or the caller's chats across cases
import { listChatThreads, listChatThreadsQuerySchema } from "@/lib/chat/list-chat-threads";
import { consoleRoute, parseQuery } from "../../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({ mutating: false }, async ({ rt, actor, req }) => {
  const input = parseQuery(req, listChatThreadsQuerySchema);
  return Response.json(await listChatThreads({ ctx: { db: rt.database.db, actor }, input }));
});
