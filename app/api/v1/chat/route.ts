// POST /api/v1/chat — {message, caseId?, threadId?} → AI SDK UI message stream (SSE)
import { createUIMessageStreamResponse } from "ai";
import { sendChatMessage, sendChatMessageInputSchema } from "@/lib/chat/send-chat-message";
import { consoleRoute, parseBody } from "../_lib/console-route";

export const dynamic = "force-dynamic";

export const POST = consoleRoute({ mutating: true }, async ({ rt, actor, req, now }) => {
  const input = await parseBody(req, sendChatMessageInputSchema);
  const { env } = rt;
  const { threadId, stream } = await sendChatMessage({
    ctx: {
      db: rt.database.db,
      store: rt.store,
      queue: rt.queue,
      providers: rt.providers,
      metrics: rt.metrics,
      log: rt.log,
      actor,
      now,
      chatModel: rt.chatModel,
      limits: { ratePerMinute: env.CHAT_RATE_LIMIT_PER_MINUTE, caseTokenBudget: env.CHAT_CASE_TOKEN_BUDGET, maxToolCalls: env.CHAT_MAX_TOOL_CALLS },
    },
    input,
  });
  // no-transform: Next.js would gzip the stream, a zlib flush per token, and proxies may hold it back.
  return createUIMessageStreamResponse({ stream, headers: { "x-tarka-thread-id": threadId, "cache-control": "no-store, no-transform" } });
});
