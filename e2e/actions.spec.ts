import { expect, test } from "@playwright/test";
import { E2E, intakeExampleAlerts, signIn, type CaseItem } from "./fixtures";

let payments: CaseItem;

test.beforeAll(async ({ browser, request }) => {
  payments = await intakeExampleAlerts({ browser, request });
});

test("a responder proposes, an admin approves, and the audit trail shows both", async ({ browser }) => {
  const responder = await (await browser.newContext()).newPage();
  await signIn(responder, "responder");
  await responder.goto(`/cases/${payments.id}`);
  const form = responder.getByRole("form", { name: "Propose an action" });
  await form.getByLabel("Action").selectOption("rollout_restart");
  await expect(form.getByLabel("Namespace")).toHaveValue(E2E.target.namespace);
  await form.getByLabel("Workload name").fill("checkout-api");
  await form.getByLabel("Why").fill("connections to ledger-db went stale after its failover");
  await form.getByRole("button", { name: "Propose" }).click();
  const card = responder.getByTestId("action-proposal").filter({ hasText: "Restart deployment/checkout-api in payments" });
  await expect(card).toContainText("proposed");
  await expect(card).toContainText("kubectl -n payments rollout restart deployment/checkout-api");
  await expect(card.getByRole("button", { name: "Approve" })).toHaveCount(0);

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin");
  await admin.goto(`/cases/${payments.id}`);
  const adminCard = admin.getByTestId("action-proposal").filter({ hasText: "Restart deployment/checkout-api in payments" });
  await adminCard.getByLabel("Note").fill("go ahead, ledger-db is back");
  await adminCard.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(adminCard.getByRole("list", { name: "Action history" })).toContainText("admin approved it: go ahead, ledger-db is back");
  await expect(adminCard).toContainText("approved");
  const audit = admin.getByTestId("audit-trail");
  await expect(audit).toContainText("approve: Restart deployment/checkout-api in payments → approved");
  await expect(audit).toContainText("propose: Restart deployment/checkout-api in payments → proposed");
  await admin.screenshot({ path: "test-results/actions-approved.png", fullPage: true });

  await responder.reload();
  await card.getByRole("button", { name: "Mark done" }).click();
  await expect(card.getByRole("list", { name: "Action history" })).toContainText("rory marked it done");
});

test("a viewer sees proposals and similar cases but cannot propose", async ({ browser }) => {
  const viewer = await (await browser.newContext()).newPage();
  await signIn(viewer, "viewer");
  await viewer.goto(`/cases/${payments.id}`);
  await expect(viewer.getByText("The viewer role can read proposals but not propose or approve them.")).toBeVisible();
  await expect(viewer.getByRole("form", { name: "Propose an action" })).toHaveCount(0);
  await expect(viewer.getByRole("heading", { name: "Seen before" })).toBeVisible();
  const me = (await (await viewer.request.get("/api/v1/me")).json()) as { csrfToken: string };
  const res = await viewer.request.post(`/api/v1/cases/${payments.id}/actions`, {
    headers: { "x-tarka-csrf": me.csrfToken },
    data: { action: { kind: "delete_pod", namespace: E2E.target.namespace, pod: E2E.target.pod }, rationale: "viewer should not" },
  });
  expect(res.status()).toBe(403);
});
