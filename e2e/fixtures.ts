import fs from "node:fs";
import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";

export function e2ePort(): number {
  return Number(process.env.E2E_PORT ?? 3210);
}

/** The fake model the e2e server talks to (scripted by the chat spec through `POST /__script`). */
export function fakeLlmPort(): number {
  return e2ePort() + 1000;
}

/** The fake Slack Web API the e2e server posts case messages to (driven by the Slack spec through `POST /__fail`). */
export function fakeSlackPort(): number {
  return e2ePort() + 2000;
}

/** Users, passwords and the example alert's target shared by the server harness and the specs. */
export const E2E = {
  users: {
    admin: { username: "admin", password: "admin-password-e2e", role: "admin" },
    responder: { username: "rory", password: "responder-password-e2e", role: "responder" },
    viewer: { username: "vera", password: "viewer-password-e2e", role: "viewer" },
  },
  target: { namespace: "payments", pod: "checkout-api-7d9f8b6c5-x2k4q", container: "api" },
  oidc: { clientId: "tarka-e2e", clientSecret: "tarka-e2e-client-secret-0123456789", allowedDomain: "example.com" },
} as const;

/** docs/examples/alertmanager-firing.json, started ten minutes ago, plus a second alert in another namespace. */
export function examplePayload(): string {
  const payload = JSON.parse(fs.readFileSync("docs/examples/alertmanager-firing.json", "utf8"));
  const startsAt = new Date(Date.now() - 10 * 60_000).toISOString();
  const first = { ...payload.alerts[0], startsAt };
  const second = {
    ...first,
    labels: { ...first.labels, alertname: "KubePodCrashLooping", namespace: "ledger", pod: "ledger-writer-5c7b9-qq2lp", team: "core" },
    annotations: { ...first.annotations, summary: "Pod ledger/ledger-writer-5c7b9-qq2lp is crash looping" },
    fingerprint: "b2d4f6a8c0e13579",
  };
  return JSON.stringify({ ...payload, alerts: [first, second] });
}

export async function signIn(page: Page, who: keyof typeof E2E.users): Promise<void> {
  const u = E2E.users[who];
  await page.goto("/login");
  await page.getByLabel("Username").fill(u.username);
  await page.getByLabel("Password").fill(u.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("current-user").waitFor();
}

export type CaseItem = { id: string; namespace: string; latestRunId: string | null; title: string };

/** The cases whose investigation has finished, once there are at least `count` of them (30 s at most). */
export async function investigatedCases(request: APIRequestContext, count: number): Promise<CaseItem[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await request.get("/api/v1/cases");
    const body = (await res.json()) as { items: CaseItem[] };
    const ready = body.items.filter((c) => c.latestRunId);
    if (ready.length >= count) return ready;
    if (Date.now() > deadline) throw new Error(`cases not investigated in time: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Posts the example alerts to /alerts and waits (as admin) for both investigations; the payments case. */
export async function intakeExampleAlerts({ browser, request }: { browser: Browser; request: APIRequestContext }): Promise<CaseItem> {
  const res = await request.post("/alerts", { data: examplePayload(), headers: { "content-type": "application/json" } });
  expect(res.status()).toBe(202);
  const page = await browser.newPage();
  await signIn(page, "admin");
  const payments = (await investigatedCases(page.request, 2)).find((c) => c.namespace === E2E.target.namespace);
  await page.close();
  if (!payments) throw new Error("no investigated case in the example namespace");
  return payments;
}
