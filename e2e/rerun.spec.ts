import { expect, test } from "@playwright/test";
import { E2E, intakeExampleAlerts, signIn, type CaseItem } from "./fixtures";

let payments: CaseItem;

test.beforeAll(async ({ browser, request }) => {
  payments = await intakeExampleAlerts({ browser, request });
});

test("a responder re-runs the investigation with another window and the new run shows on the case; a viewer cannot", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "responder");
  await page.goto(`/cases/${payments.id}`);
  const form = page.getByRole("form", { name: "Re-run investigation" });
  await form.getByLabel("Look back").selectOption("30");
  await form.getByRole("button", { name: "Re-run" }).click();
  const reruns = page.getByTestId("reruns");
  await expect(reruns).toContainText(`30 minutes · ${E2E.users.responder.username}`);
  await expect(reruns).toContainText("succeeded", { timeout: 30_000 });
  await expect(page.getByText(`re-run by ${E2E.users.responder.username}, 30m window`)).toBeVisible();
  await expect(page.getByTestId("audit-trail")).toContainText("asked for a re-run with 30 minutes of look-back");

  const viewer = await (await browser.newContext()).newPage();
  await signIn(viewer, "viewer");
  await viewer.goto(`/cases/${payments.id}`);
  await expect(viewer.getByText("Responders can re-run the investigation with another window.")).toBeVisible();
  await expect(viewer.getByRole("form", { name: "Re-run investigation" })).toHaveCount(0);
  await expect(viewer.getByTestId("reruns")).toContainText("succeeded");
});
