import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { startFakeLlm, type FakeLlm } from "@/test/helpers/fake-llm";
import { postExampleAlert } from "@/test/helpers/example-case";
import { startWebServer, type WebServer } from "@/test/helpers/web-server";

/** The `data:` payloads of a server-sent event stream, up to `[DONE]`. */
function sseData(text: string): unknown[] {
  const events = text.split("\n\n").filter((e) => e.startsWith("data: "));
  expect(events.at(-1)).toBe("data: [DONE]");
  return events.slice(0, -1).map((e) => JSON.parse(e.slice("data: ".length)));
}

describe("POST /api/v1/chat and the thread endpoints on the production build (PostgreSQL, fake model)", () => {
  let server: WebServer;
  let db: TestDatabase;
  let llm: FakeLlm;
  let dataDir: string;
  let caseId: string;
  let runId: string;
  let csrf: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-chat-route-"));
    [db, llm] = await Promise.all([createTestDatabase(), startFakeLlm()]);
    server = await startWebServer({
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      LOG_LEVEL: "warn",
      LLM_ENABLED: "true",
      LLM_PROVIDER: "openai-compatible",
      LLM_BASE_URL: `${llm.url}/v1`,
      LLM_MODEL: "fake-route",
      CHAT_RATE_LIMIT_PER_MINUTE: "3",
    });
    llm.script([{ text: JSON.stringify({ narrative: "The API container keeps crashing.", nextSteps: [{ step: "Read the previous container's log", why: "it holds the crash reason" }] }) }]);
    ({ caseId, runId } = await postExampleAlert(server.url));
    csrf = ((await (await fetch(`${server.url}/api/v1/me`)).json()) as { csrfToken: string }).csrfToken;
  });
  afterAll(async () => {
    await server?.stop();
    await Promise.all([db?.drop(), llm?.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const chat = (body: unknown, headers: Record<string, string> = { "x-tarka-csrf": csrf }) =>
    fetch(`${server.url}/api/v1/chat`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  it("has the worker add the model's reading to the report (analysis.llm)", async () => {
    const report = await (await fetch(`${server.url}/api/v1/runs/${runId}/report`)).json();
    expect(report.analysis.llm).toMatchObject({ status: "ok", model: "fake-route", narrative: "The API container keeps crashing.", inputTokens: 100, outputTokens: 20 });
    const md = await (await fetch(`${server.url}/api/v1/runs/${runId}/report?format=md`)).text();
    expect(md).toContain("## Model's reading (fake-route, from the evidence below)");
  });

  it("streams the UI message stream with a tool call, stores it, and serves it back", async () => {
    llm.script([{ toolCalls: [{ name: "get_report_section", args: { section: "verdict" } }] }, { text: "The pod is crash looping after a refused database connection.", chunks: 6 }]);
    const res = await chat({ message: "what is going on?", caseId });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const threadId = res.headers.get("x-tarka-thread-id")!;
    const chunks = sseData(await res.text()) as Array<{ type: string; [k: string]: unknown }>;
    expect(chunks[0]).toMatchObject({ type: "start", messageMetadata: { threadId, mode: "model", model: "fake-route" } });
    expect(chunks.find((c) => c.type === "tool-input-available")).toMatchObject({ toolName: "get_report_section", input: { section: "verdict" } });
    expect(chunks.find((c) => c.type === "tool-output-available")).toMatchObject({ output: { outcome: "ok", summary: expect.stringMatching(/^(actionable|informational|noisy|artifact):/) } });
    expect(chunks.filter((c) => c.type === "text-delta").map((c) => c.delta).join("")).toBe("The pod is crash looping after a refused database connection.");
    expect(chunks.at(-1)).toMatchObject({ type: "finish", messageMetadata: { inputTokens: 200, outputTokens: 40 } });

    const list = await (await fetch(`${server.url}/api/v1/chat/threads?caseId=${caseId}`)).json();
    expect(list.items).toEqual([expect.objectContaining({ id: threadId, owner: "anonymous", caseId, title: "what is going on?" })]);
    const thread = await (await fetch(`${server.url}/api/v1/chat/threads/${threadId}`)).json();
    expect(thread.canPost).toBe(true);
    expect(thread.messages[1]).toMatchObject({ role: "assistant", mode: "model", toolCalls: [{ toolName: "get_report_section", outcome: "ok" }] });
    expect((await fetch(`${server.url}/api/v1/chat/threads/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/chat/threads?caseId=nope`)).status).toBe(400);
  });

  it("needs the CSRF header, validates the body, and rate-limits per user with 429", async () => {
    expect((await chat({ message: "hi" }, {})).status).toBe(403);
    const invalid = await chat({ message: "" });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.details.issues[0].path).toBe("message");
    expect((await chat({ message: "hi", caseId: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    llm.script([{ text: "ok" }]);
    for (let i = 0; i < 2; i++) expect((await chat({ message: `again ${i}` })).status).toBe(200);
    const limited = await chat({ message: "one more" });
    expect(limited.status).toBe(429);
    expect((await limited.json()).error).toEqual({ code: "rate_limited", message: "at most 3 chat messages a minute; wait a moment" });
  });
});
