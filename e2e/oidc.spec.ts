import { expect, test, type Page } from "@playwright/test";

/** Through the stand-in issuer's own login and consent pages, as a browser would with Google. */
async function signInWithIssuer(page: Page, email: string): Promise<void> {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with Google" }).click();
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill("any");
  await page.locator('button[type="submit"]').click();
  const consent = page.locator('button[type="submit"]');
  if (await consent.isVisible().catch(() => false)) await consent.click();
}

test("OIDC: a verified e-mail in an allowed domain signs in as a viewer", async ({ page }) => {
  await signInWithIssuer(page, "olive@example.com");
  await expect(page.getByTestId("current-user")).toContainText("olive · viewer");
  const me = await (await page.request.get("/api/v1/me")).json();
  expect(me.user).toMatchObject({ username: "olive@example.com", role: "viewer" });
});

test("OIDC: an e-mail outside the allowed domains is refused with a clear page", async ({ page }) => {
  await signInWithIssuer(page, "mallory@evil.test");
  await expect(page).toHaveURL(/\/login\?error=domain_not_allowed/);
  await expect(page.getByText("This account's e-mail domain is not allowed to use this console.")).toBeVisible();
  expect((await page.request.get("/api/v1/me")).status()).toBe(401);
});
