import { expect, test } from "@playwright/test";
import { E2E, signIn } from "./fixtures";

test("an admin reaches the Admin page from the header and sees the users table; a viewer sees no Admin link", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  const users = page.getByRole("table", { name: "Users" });
  for (const u of Object.values(E2E.users)) await expect(users.getByRole("combobox", { name: `Role of ${u.username}` })).toHaveValue(u.role);
  await expect(users.getByRole("combobox", { name: `Role of ${E2E.users.admin.username}` })).toBeDisabled();
  await expect(page.getByRole("table", { name: "API tokens" })).toBeVisible();

  await page.context().clearCookies();
  await signIn(page, "viewer");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
  await page.goto("/admin");
  await expect(page.getByText("needs the admin role")).toBeVisible();
  await expect(page.getByRole("table", { name: "Users" })).toHaveCount(0);
});

test("the theme choice is stored and applied before paint on the next load", async ({ page }) => {
  await signIn(page, "viewer");
  await page.getByRole("combobox", { name: "Theme" }).selectOption("dark");
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await page.getByRole("combobox", { name: "Theme" }).selectOption("light");
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
});

test("an admin sees the configured alert sources and sends test payloads through them", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin");
  const pagerduty = page.getByRole("listitem", { name: "Source pagerduty" });
  await expect(pagerduty).toContainText("POST /sources/pagerduty/ingest");
  await expect(pagerduty).not.toContainText("e2e-pagerduty-secret");
  await pagerduty.getByRole("button", { name: "Send test payload" }).click();
  await expect(pagerduty.getByRole("status")).toHaveText("Accepted: 1 received, 1 queued for investigation.");

  const uptime = page.getByRole("listitem", { name: "Source uptime" });
  await expect(uptime).toContainText("check_id");
  await uptime.getByRole("button", { name: "Send test payload" }).click();
  await expect(uptime.getByRole("alert")).toContainText("mapping.alertname: evaluated to nothing");
  await uptime.getByLabel(/Test payload/).fill('{"name": "NightlyBackupMissing", "check_id": "backup-1"}');
  await uptime.getByRole("button", { name: "Send test payload" }).click();
  await expect(uptime.getByRole("status")).toHaveText("Accepted: 1 received, 1 queued for investigation.");
});
