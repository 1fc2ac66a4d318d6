import { expect, test, type Page } from "@playwright/test";
import { examplePayload, intakeExampleAlerts, signIn, type CaseItem } from "./fixtures";

async function csrfOf(page: Page): Promise<string> {
  const me = await page.request.get("/api/v1/me");
  return ((await me.json()) as { csrfToken: string }).csrfToken;
}

let payments: CaseItem;

test.beforeAll(async ({ browser, request }) => {
  payments = await intakeExampleAlerts({ browser, request });
});

test("the API refuses calls without a session, and console pages send you to sign in", async ({ page, request }) => {
  expect((await request.get("/api/v1/cases")).status()).toBe(401);
  expect((await request.get(`/api/v1/cases/${payments.id}`)).status()).toBe(401);
  expect((await request.get("/healthz")).status()).toBe(200);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("local sign-in: a wrong password is refused, the right one opens the inbox", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Username").fill("rory");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Wrong username or password.")).toBeVisible();
  await signIn(page, "responder");
  await expect(page.getByTestId("current-user")).toContainText("responder");
  await expect(page.getByRole("table", { name: "Cases" })).toContainText("checkout-api-7d9f8b6c5-x2k4q");
  await page.screenshot({ path: "test-results/inbox.png", fullPage: true });
});

test("inbox filters and search live in the URL", async ({ page }) => {
  await signIn(page, "viewer");
  const table = page.getByRole("table", { name: "Cases" });
  // Other specs share this server and add cases of their own (e.g. a source's test payload).
  await expect(table).toContainText("checkout-api");
  await expect(table).toContainText("ledger-writer");
  await page.getByLabel("Search cases").fill("ns:ledger");
  await page.getByLabel("Search cases").press("Enter");
  await expect(page).toHaveURL(/q=ns%3Aledger/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText("ledger-writer");
  await page.getByLabel("Search cases").fill("ns:nothing-here");
  await page.getByLabel("Search cases").press("Enter");
  await expect(page.getByText("No cases match these filters.")).toBeVisible();
  await page.goto("/");
  await page.getByLabel("namespace payments").click();
  await expect(page).toHaveURL(/namespace=payments/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText("checkout-api");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/cases/${payments.id}`));
});

test("keyboard: j and k move the selection, Enter opens the selected case, / focuses the search", async ({ page }) => {
  await signIn(page, "viewer");
  const rows = page.getByRole("table", { name: "Cases" }).locator("tbody tr");
  await expect(page.getByText("j/k move · Enter open · / search")).toBeVisible();
  await expect(rows.nth(0)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("j");
  await expect(rows.nth(1)).toHaveAttribute("aria-selected", "true");
  await expect(rows.nth(0)).toHaveAttribute("aria-selected", "false");
  await page.keyboard.press("k");
  await expect(rows.nth(0)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("j");
  const href = await rows.nth(1).getByRole("link").first().getAttribute("href");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await page.goBack();
  await expect(page.getByText("j/k move · Enter open · / search")).toBeVisible();
  await page.keyboard.press("/");
  await expect(page.getByLabel("Search cases")).toBeFocused();
});

test("the case page shows the report sections and a metrics chart", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto(`/cases/${payments.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("checkout-api-7d9f8b6c5-x2k4q");
  await expect(page.getByTestId("case-source")).toHaveText("from alertmanager");
  for (const name of ["Triage", "Likely causes", "Enrichment", "Evidence — metrics", "Kubernetes", "Logs", "Queries", "Runs", "Audit trail"]) {
    await expect(page.getByRole("heading", { name, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("series-chart").first()).toBeVisible();
  const excerpt = page.getByRole("list", { name: "Log excerpt" });
  await expect(excerpt.getByRole("listitem")).toHaveCount(6);
  await expect(excerpt.locator('[data-matched="true"]')).toHaveCount(2);
  await expect(excerpt.locator('[data-matched="true"]').first()).toContainText("10.42.3.7:5432: connect: connection refused");
  await expect(excerpt.locator('[data-matched="true"]').first()).toHaveAttribute("title", "connection refused");
  await expect(page.getByRole("link", { name: "Markdown" })).toHaveAttribute("href", /format=md/);
  await page.screenshot({ path: "test-results/case.png", fullPage: true });
});

test("a viewer can read but not resolve", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto(`/cases/${payments.id}`);
  await expect(page.getByText("You have the viewer role")).toBeVisible();
  await expect(page.getByRole("form", { name: "Resolve case" })).toHaveCount(0);
  const res = await page.request.post(`/api/v1/cases/${payments.id}/resolve`, {
    data: { category: "fixed", summary: "viewer tries" },
    headers: { "x-tarka-csrf": await csrfOf(page) },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("forbidden");
});

test("a state change without the CSRF header is refused", async ({ page }) => {
  await signIn(page, "responder");
  const res = await page.request.post(`/api/v1/cases/${payments.id}/snooze`, { data: { minutes: 30 } });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toContain("x-tarka-csrf");
  const wrong = await page.request.post(`/api/v1/cases/${payments.id}/snooze`, { data: { minutes: 30 }, headers: { "x-tarka-csrf": "guess" } });
  expect(wrong.status()).toBe(403);
  const bad = await page.request.post(`/api/v1/cases/${payments.id}/snooze`, { data: { minutes: -1 }, headers: { "x-tarka-csrf": await csrfOf(page) } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe("invalid_input");
});

test("a responder resolves a case and the audit trail shows it", async ({ page }) => {
  await signIn(page, "responder");
  await page.goto(`/cases/${payments.id}`);
  const form = page.getByRole("form", { name: "Resolve case" });
  await form.getByLabel("Category").selectOption("mitigated");
  await form.getByLabel("Summary").fill("raised the memory limit to 1Gi");
  await form.getByRole("button", { name: "Resolve" }).click();
  await expect(page.getByTestId("audit-trail")).toContainText("rory resolved as mitigated: raised the memory limit to 1Gi");
  await expect(page.getByTestId("resolution")).toContainText("Resolved by rory (mitigated)");
  await page.getByRole("button", { name: "Reopen" }).click();
  await expect(page.getByTestId("audit-trail")).toContainText("rory reopened the case");
  const md = await page.request.get(`/api/v1/runs/${payments.latestRunId}/report?format=md`);
  expect(md.status()).toBe(200);
  expect(md.headers()["content-type"]).toContain("text/markdown");
});

test("signing out revokes the server-side session: the old cookie stops working", async ({ page, browser }) => {
  await signIn(page, "responder");
  const cookies = await page.context().cookies();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const res = await replay.request.get(`${test.info().project.use.baseURL}/api/v1/me`);
  expect(res.status()).toBe(401);
  await replay.close();
});

test("new activity shows as 'N updates' instead of reshuffling the inbox", async ({ page }) => {
  await signIn(page, "viewer");
  const rows = page.getByRole("table", { name: "Cases" }).getByRole("row");
  const before = await rows.count();
  const payload = JSON.parse(examplePayload());
  const alert = { ...payload.alerts[0], labels: { ...payload.alerts[0].labels, namespace: "inventory", pod: "stock-sync-6f5d-zz9x" }, fingerprint: "c3e5a7b9d1f02468" };
  const res = await page.request.post("/alerts", { data: JSON.stringify({ ...payload, alerts: [alert] }), headers: { "content-type": "application/json" } });
  expect(res.status()).toBe(202);
  const banner = page.getByRole("button", { name: /1 update — show/ });
  await expect(banner).toBeVisible({ timeout: 40_000 });
  await expect(rows).toHaveCount(before);
  await banner.click();
  await expect(rows).toHaveCount(before + 1);
  await expect(page.getByRole("table", { name: "Cases" })).toContainText("stock-sync-6f5d-zz9x");
});
