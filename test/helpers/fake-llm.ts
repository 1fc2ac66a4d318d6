import http from "node:http";
import { listenOnLoopback } from "./listen";

/**
 * A fake model speaking the OpenAI chat-completions wire protocol on loopback
 * (`POST /v1/chat/completions`, streaming SSE and plain JSON), scripted per test. Point
 * LLM_PROVIDER=openai-compatible with LLM_BASE_URL=`${url}/v1` at it.
 *
 * Each request takes the next reply of the script (or asks `reply(request)` when the script is a
 * function, so a test can play a model that reacts to what it was sent). A test in another process
 * (Playwright) replaces the script with `POST /__script` and a JSON array of replies.
 */

export type FakeToolCall = { name: string; args: Record<string, unknown> };

export type FakeReply =
  /** Text streamed in `chunks` pieces, then tool calls if any (finish_reason tool_calls, else stop). */
  | { text?: string; toolCalls?: FakeToolCall[]; chunks?: number; delayMs?: number; chunkDelayMs?: number; usage?: { prompt: number; completion: number } }
  /** An HTTP error as OpenAI answers it (429 rate limit, 500…). */
  | { status: number; message: string }
  /** Accept the request and never answer (client timeout). */
  | { hang: true };

export type FakeLlmRequest = {
  model: string;
  stream: boolean;
  messages: Array<{ role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string }>;
  tools: Array<{ function: { name: string } }>;
  raw: string;
};

export type FakeLlm = {
  url: string;
  /** Every request received, in order (the raw body too, to check what reached the model). */
  requests: FakeLlmRequest[];
  /** Replace the script; replies are taken in order, the last one repeats. */
  script(replies: FakeReply[] | ((request: FakeLlmRequest, index: number) => FakeReply)): void;
  stop(): Promise<void>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function chunk(id: string, model: string, delta: Record<string, unknown>, finish: string | null, usage?: Record<string, number>) {
  return `data: ${JSON.stringify({
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  })}\n\n`;
}

function split(text: string, parts: number): string[] {
  if (!text) return [];
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export async function startFakeLlm(initial: FakeReply[] = [{ text: "ok" }], options: { port?: number } = {}): Promise<FakeLlm> {
  let script: FakeReply[] | ((request: FakeLlmRequest, index: number) => FakeReply) = initial;
  const requests: FakeLlmRequest[] = [];
  let counter = 0;
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer(async (req, res) => {
    const body: Buffer[] = [];
    for await (const c of req) body.push(c as Buffer);
    if (req.method === "POST" && req.url === "/__script") {
      script = JSON.parse(Buffer.concat(body).toString("utf8")) as FakeReply[];
      requests.length = 0;
      res.writeHead(204).end();
      return;
    }
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
      return;
    }
    const raw = Buffer.concat(body).toString("utf8");
    const parsed = JSON.parse(raw) as Omit<FakeLlmRequest, "raw">;
    const request: FakeLlmRequest = { model: parsed.model, stream: Boolean(parsed.stream), messages: parsed.messages ?? [], tools: parsed.tools ?? [], raw };
    const index = requests.length;
    requests.push(request);
    const reply = typeof script === "function" ? script(request, index) : script[Math.min(index, script.length - 1)];

    if ("hang" in reply) {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if ("status" in reply) {
      const type = reply.status === 429 ? "rate_limit_exceeded" : "server_error";
      res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: reply.message, type, code: type } }));
      return;
    }
    if (reply.delayMs) await sleep(reply.delayMs);
    const id = `chatcmpl-fake-${++counter}`;
    const usage = { prompt_tokens: reply.usage?.prompt ?? 100, completion_tokens: reply.usage?.completion ?? 20 };
    const toolCalls = (reply.toolCalls ?? []).map((t, i) => ({
      index: i,
      id: `call_${counter}_${i}`,
      type: "function",
      function: { name: t.name, arguments: JSON.stringify(t.args) },
    }));
    const finish = toolCalls.length ? "tool_calls" : "stop";
    if (!request.stream) {
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: request.model,
          choices: [{ index: 0, message: { role: "assistant", content: reply.text ?? null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }, finish_reason: finish }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        }),
      );
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(chunk(id, request.model, { role: "assistant", content: "" }, null));
    for (const piece of split(reply.text ?? "", reply.chunks ?? 4)) {
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      res.write(chunk(id, request.model, { content: piece }, null));
    }
    if (toolCalls.length) res.write(chunk(id, request.model, { tool_calls: toolCalls }, null));
    res.write(chunk(id, request.model, {}, finish, { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens }));
    res.end("data: [DONE]\n\n");
  });
  const listening = await listenOnLoopback(server, options.port);
  return {
    url: listening.url,
    requests,
    script(next) {
      script = next;
      requests.length = 0;
    },
    async stop() {
      for (const res of hanging) res.destroy();
      await listening.close();
    },
  };
}
