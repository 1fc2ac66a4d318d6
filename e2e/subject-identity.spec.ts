import { expect, test } from "@playwright/test";
import { scrapeLabels } from "@/test/helpers/scrape-labels";
import { signIn } from "./fixtures";

/** The labels kube-prometheus really sends: kube-state-metrics' own scrape-target labels beside the subject's. */
const ksm = { ...scrapeLabels["kube-state-metrics"], severity: "warning" };

function payload(): string {
  const startsAt = new Date(Date.now() - 5 * 60_000).toISOString();
  const alerts = [
    { ...ksm, alertname: "KubeDeploymentReplicasMismatch", namespace: "shop", deployment: "cart" },
    { ...ksm, alertname: "KubeDeploymentReplicasMismatch", namespace: "shop", deployment: "checkout" },
    { ...ksm, alertname: "KubeNodeNotReady", node: "node-a", condition: "Ready", status: "true" },
    { ...ksm, alertname: "KubeNodeNotReady", node: "node-b", condition: "Ready", status: "true" },
  ].map((labels) => ({
    status: "firing",
    labels,
    annotations: { summary: labels.alertname === "KubeNodeNotReady" ? "Node is not ready." : "Deployment has not matched the expected number of replicas." },
    startsAt,
    endsAt: "0001-01-01T00:00:00Z",
  }));
  return JSON.stringify({ version: "4", status: "firing", receiver: "tarka", alerts });
}

test("the inbox lists the deployments and nodes kube-state-metrics alerts are about, one case each", async ({ page }) => {
  const res = await page.request.post("/alerts", { data: payload(), headers: { "content-type": "application/json" } });
  expect(res.status()).toBe(202);
  await signIn(page, "viewer");
  await expect
    .poll(
      async () => {
        const body = (await (await page.request.get("/api/v1/cases?limit=200")).json()) as { items: Array<{ alertname: string; latestRunId: string | null }> };
        return body.items.filter((c) => ["KubeDeploymentReplicasMismatch", "KubeNodeNotReady"].includes(c.alertname) && c.latestRunId).length;
      },
      { timeout: 30_000 },
    )
    .toBe(4);
  const table = page.getByRole("table", { name: "Cases" });

  await page.goto(`/?q=${encodeURIComponent("alert:KubeDeploymentReplicasMismatch")}`);
  await expect(table.locator("tbody tr")).toHaveCount(2);
  await expect(table).toContainText("shop/cart");
  await expect(table).toContainText("shop/checkout");
  await expect(table).not.toContainText("kube-state-metrics");

  await page.goto(`/?q=${encodeURIComponent("alert:KubeNodeNotReady")}`);
  await expect(table.locator("tbody tr")).toHaveCount(2);
  await expect(table).toContainText("node-a");
  await expect(table).toContainText("node-b");
  await expect(table).not.toContainText("monitoring/");
  await expect(table).not.toContainText("kube-state-metrics");
  await page.screenshot({ path: "test-results/inbox-subjects.png", fullPage: true });
});
