// Baseline for bench/chat: the same kind of route handler as POST /api/v1/chat — JSON body in, AI SDK UI
// message stream out — with fixed text and no session, database, report or tools. With `scripted: true`
// it waits like bench/chat's fake model (before the tool call, before the answer, between chunks).
import { createUIMessageStream, createUIMessageStreamResponse } from "ai";

export const dynamic = "force-dynamic";

const TEXT = "The container is killed for memory; raise the limit or find the leak.";
const CHUNKS = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function POST(req: Request): Promise<Response> {
  const body = (await req.json()) as { scripted?: boolean; delayMs?: number; chunkDelayMs?: number };
  const delayMs = body.scripted ? (body.delayMs ?? 0) : 0;
  const chunkDelayMs = body.scripted ? (body.chunkDelayMs ?? 0) : 0;
  const size = Math.ceil(TEXT.length / CHUNKS);
  const stream = createUIMessageStream({
    execute: async ({ writer }) => {
      writer.write({ type: "start" });
      await sleep(2 * delayMs);
      writer.write({ type: "text-start", id: "t" });
      for (let i = 0; i < CHUNKS; i++) {
        if (chunkDelayMs) await sleep(chunkDelayMs);
        writer.write({ type: "text-delta", id: "t", delta: TEXT.slice(i * size, (i + 1) * size) });
      }
      writer.write({ type: "text-end", id: "t" });
      writer.write({ type: "finish" });
    },
  });
  return createUIMessageStreamResponse({ stream });
}
