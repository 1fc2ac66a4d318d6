import { expect, test } from "@playwright/test";
import { examplePayload, fakeSlackPort, signIn } from "./fixtures";

const slack = `http://127.0.0.1:${fakeSlackPort()}`;

test("the case page shows the Slack delivery state: posted with its link, then a failed update pending its retry", async ({ page }) => {
  const payload = JSON.parse(examplePayload());
  const alert = { ...payload.alerts[0], labels: { ...payload.alerts[0].labels, namespace: "slack-demo", pod: "notifier-5b8c-q7w2e" }, fingerprint: "d4f6a8c0e2135791" };
  const res = await page.request.post("/alerts", { data: JSON.stringify({ ...payload, alerts: [alert] }), headers: { "content-type": "application/json" } });
  expect(res.status()).toBe(202);
  await signIn(page, "responder");
  let caseId = "";
  await expect(async () => {
    const list = (await (await page.request.get("/api/v1/cases?q=notifier-5b8c-q7w2e")).json()) as { items: Array<{ id: string; latestRunId: string | null }> };
    expect(list.items[0]?.latestRunId).toBeTruthy();
    caseId = list.items[0].id;
  }).toPass({ timeout: 40_000 });

  await expect(async () => {
    await page.goto(`/cases/${caseId}`);
    await expect(page.getByTestId("slack-delivery").locator('[data-state="delivered"]')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  const section = page.getByTestId("slack-delivery");
  await expect(section).toContainText("Posted in C0ONCALL");
  await expect(section.getByRole("link", { name: "open in Slack" })).toHaveAttribute("href", /^https:\/\/fake\.slack\.com\/archives\/C0ONCALL\/p\d+/);

  // Slack goes down: the snooze's message update is kept and retried, and the page says so.
  await page.request.post(`${slack}/__fail`, { data: { method: "chat.update", failures: [{ status: 503 }] } });
  const me = (await (await page.request.get("/api/v1/me")).json()) as { csrfToken: string };
  const snooze = await page.request.post(`/api/v1/cases/${caseId}/snooze`, { data: { minutes: 30 }, headers: { "x-tarka-csrf": me.csrfToken } });
  expect(snooze.status()).toBe(200);
  await expect(async () => {
    await page.reload();
    await expect(section.locator('[data-state="pending"]')).toContainText("Not delivered yet (1 attempt); next try", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(section).toContainText("last error: Slack answered HTTP 503");
});
