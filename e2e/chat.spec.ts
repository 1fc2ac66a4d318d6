import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createTestDatabase } from "@/test/helpers/database";
import type { FakeReply } from "@/test/helpers/fake-llm";
import { startWebServer } from "@/test/helpers/web-server";
import { postExampleAlert } from "@/test/helpers/example-case";
import { E2E, fakeLlmPort, intakeExampleAlerts, signIn, type CaseItem } from "./fixtures";

async function scriptModel(request: APIRequestContext, replies: FakeReply[]): Promise<void> {
  const res = await request.post(`http://127.0.0.1:${fakeLlmPort()}/__script`, { data: replies });
  expect(res.status()).toBe(204);
}

const { namespace, pod } = E2E.target;
const ANSWER = "Memory rose steadily over the hour, towards the 512 MiB limit.";
let payments: CaseItem;

// Both example alerts are investigated before any test scripts the model, so no investigation takes a scripted reply.
test.beforeAll(async ({ browser, request }) => {
  payments = await intakeExampleAlerts({ browser, request });
});

test("case chat streams an answer with a tool call and its chart, and the thread survives a reload", async ({ page, request }) => {
  await scriptModel(request, [
    { text: "Checking memory first.", toolCalls: [{ name: "query_metrics_range", args: { query: `container_memory_working_set_bytes{namespace="${namespace}",pod="${pod}"}`, minutes: 60 } }] },
    { text: ANSWER, chunks: 10, chunkDelayMs: 40 },
  ]);
  await signIn(page, "responder");
  await page.goto(`/cases/${payments.id}`);
  await page.getByRole("button", { name: "Chat" }).click();
  const chat = page.getByRole("complementary", { name: "Case chat" });
  await chat.getByLabel("Ask Tarka").fill("did memory grow before the restart?");
  await chat.getByLabel("Ask Tarka").press("Enter");
  const call = chat.getByTestId("chat-tool-call");
  await expect(call).toContainText("query_metrics_range");
  await expect(call).toContainText("ok");
  await expect(call.getByTestId("series-chart")).toBeVisible();
  await expect(chat.getByTestId("chat-answer").last()).toContainText(ANSWER);
  await expect(chat.getByTestId("chat-answer-meta").last()).toContainText("fake-e2e");
  await page.screenshot({ path: "test-results/case-chat.png" });

  await page.reload();
  const again = page.getByRole("complementary", { name: "Case chat" });
  await expect(again.getByTestId("chat-question")).toContainText("did memory grow before the restart?");
  await expect(again.getByTestId("chat-answer")).toContainText(ANSWER);
  await expect(again.getByTestId("chat-tool-call").getByTestId("series-chart")).toBeVisible();
  await expect(again.getByLabel("Ask Tarka")).toBeVisible();
});

test("a viewer reads the case's threads but has no input", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto(`/cases/${payments.id}`);
  const dock = page.getByRole("button", { name: /Chat/ });
  if ((await dock.getAttribute("aria-expanded")) !== "true") await dock.click();
  const chat = page.getByRole("complementary", { name: "Case chat" });
  await expect(chat.getByTestId("chat-answer")).toContainText(ANSWER);
  await expect(chat.getByText("You have the viewer role: you can read these threads but not chat.")).toBeVisible();
  await expect(chat.getByLabel("Ask Tarka")).toHaveCount(0);
  await expect(chat.getByRole("button", { name: "New" })).toHaveCount(0);
});

test("without a model the chat answers deterministically from the report and says what needs a model", async ({ page }) => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-e2e-nomodel-"));
  const db = await createTestDatabase();
  const server = await startWebServer({ DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: "warn" });
  try {
    const { caseId } = await postExampleAlert(server.url, 60_000);
    await page.goto(`${server.url}/cases/${caseId}`);
    await page.getByRole("button", { name: "Chat" }).click();
    const chat = page.getByRole("complementary", { name: "Case chat" });
    await chat.getByRole("button", { name: "summary" }).click();
    await expect(chat.getByTestId("chat-answer").last()).toContainText(/actionable|informational|noisy|artifact/);
    await expect(chat.getByTestId("chat-answer-meta").last()).toHaveText("deterministic (no model)");
    await chat.getByLabel("Ask Tarka").fill("is this because of the marketing launch?");
    await chat.getByLabel("Ask Tarka").press("Enter");
    await expect(chat.getByTestId("chat-answer").last()).toContainText("Free-form questions need a model");
  } finally {
    await server.stop();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
