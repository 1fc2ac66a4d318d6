import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "@/test/helpers/nats";
import { startWebServer, type WebServer } from "@/test/helpers/web-server";

const sample = fs.readFileSync("docs/examples/alertmanager-firing.json", "utf8");

describe("/api/v1 on the production build with AUTH_MODE=disabled (embedded mode)", () => {
  let server: WebServer;
  let dataDir: string;
  let caseId: string;
  let runId: string;
  let csrf: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-console-"));
    server = await startWebServer({ DATA_DIR: dataDir, LOG_LEVEL: "warn" });
    const res = await fetch(`${server.url}/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: sample });
    expect(res.status).toBe(202);
    const item = await eventually(async () => {
      const body = (await (await fetch(`${server.url}/api/v1/cases`)).json()) as { items: { id: string; latestRunId: string | null }[] };
      return body.items.find((c) => c.latestRunId);
    }, 20_000, "an investigated case");
    caseId = item.id;
    runId = item.latestRunId!;
    csrf = ((await (await fetch(`${server.url}/api/v1/me`)).json()) as { csrfToken: string }).csrfToken;
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (p: string, body: unknown, headers: Record<string, string> = { "x-tarka-csrf": csrf }) =>
    fetch(`${server.url}${p}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  it("treats everyone as the anonymous admin and shows the trusted-network banner", async () => {
    const me = await (await fetch(`${server.url}/api/v1/me`)).json();
    expect(me).toMatchObject({ authMode: "disabled", user: { username: "anonymous", role: "admin" } });
    const page = await (await fetch(server.url)).text();
    expect(page).toContain("Authentication is disabled — trusted network only");
    expect(page).toContain("Pod payments/checkout-api-7d9f8b6c5-x2k4q is crash looping");
  });

  it("lists, filters, pages and answers facets and the dashboard", async () => {
    const list = await (await fetch(`${server.url}/api/v1/cases?status=open&q=ns:payments&limit=1`)).json();
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([caseId]);
    const none = await (await fetch(`${server.url}/api/v1/cases?q=ns:nowhere`)).json();
    expect(none).toEqual({ items: [], nextCursor: null });
    const bad = await fetch(`${server.url}/api/v1/cases?status=closed`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^invalid query: status/);
    const facets = await (await fetch(`${server.url}/api/v1/facets`)).json();
    expect(facets.family).toEqual([{ value: "crashloop", count: 1 }]);
    const dash = await (await fetch(`${server.url}/api/v1/dashboard`)).json();
    expect(dash.cases.open).toBe(1);
  });

  it("serves the case, its report as JSON and Markdown, and 404s for unknown ids", async () => {
    const detail = await (await fetch(`${server.url}/api/v1/cases/${caseId}`)).json();
    expect(detail.runs[0]).toMatchObject({ id: runId, hasReport: true });
    const json = await (await fetch(`${server.url}/api/v1/runs/${runId}/report`)).json();
    expect(json.alert.labels.pod).toBe("checkout-api-7d9f8b6c5-x2k4q");
    const md = await fetch(`${server.url}/api/v1/runs/${runId}/report?format=md`);
    expect(md.headers.get("content-type")).toContain("text/markdown");
    expect(md.headers.get("content-disposition")).toMatch(/attachment; filename=".+\.md"/);
    expect(await md.text()).toContain("checkout-api-7d9f8b6c5-x2k4q");
    expect((await fetch(`${server.url}/api/v1/cases/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/runs/nope/report`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/runs/${runId}/report?format=pdf`)).status).toBe(400);
  });

  it("needs the CSRF header for state changes, validates bodies, and records the change", async () => {
    expect((await post(`/api/v1/cases/${caseId}/snooze`, { minutes: 30 }, {})).status).toBe(403);
    expect((await post(`/api/v1/cases/${caseId}/snooze`, { minutes: 30 }, { "x-tarka-csrf": "nope" })).status).toBe(403);
    const invalid = await post(`/api/v1/cases/${caseId}/resolve`, { category: "fixed" });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.details.issues[0].path).toBe("summary");
    const notJson = await fetch(`${server.url}/api/v1/cases/${caseId}/resolve`, { method: "POST", headers: { "x-tarka-csrf": csrf, "content-type": "text/plain" }, body: "x" });
    expect(notJson.status).toBe(415);
    expect((await post(`/api/v1/cases/${caseId}/reopen`, {})).status).toBe(409);
    const snoozed = await post(`/api/v1/cases/${caseId}/snooze`, { minutes: 30 });
    expect(snoozed.status).toBe(200);
    expect((await snoozed.json()).status).toBe("snoozed");
    expect((await post(`/api/v1/cases/${caseId}/unsnooze`, {})).status).toBe(200);
    const resolved = await (await post(`/api/v1/cases/${caseId}/resolve`, { category: "fixed", summary: "restarted the dependency" })).json();
    expect(resolved).toMatchObject({ status: "resolved", resolution: { by: "anonymous", category: "fixed" } });
    expect(resolved.audit.map((a: { action: string }) => a.action)).toEqual(["resolve", "unsnooze", "snooze"]);
    expect((await post(`/api/v1/cases/${caseId}/resolve`, { category: "fixed", summary: "again" })).status).toBe(409);
    const feedback = await post(`/api/v1/cases/${caseId}/feedback`, { verdict: "correct", note: "spot on" });
    expect(feedback.status).toBe(201);
    expect(await feedback.json()).toEqual({ verdict: "correct", runId });
  });

  it("accepts scoped bearer tokens without the CSRF header and answers 401 to a bogus one", async () => {
    const created = async (role: string) => {
      const res = await post("/api/v1/tokens", { name: `ci-${role}-${Date.now()}`, role });
      expect(res.status).toBe(201);
      return ((await res.json()) as { secret: string }).secret;
    };
    const responder = await created("responder");
    const viewer = await created("viewer");
    const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
    const list = await fetch(`${server.url}/api/v1/cases`, { headers: bearer(responder) });
    expect(list.status).toBe(200);
    expect((await list.json()).items.map((c: { id: string }) => c.id)).toContain(caseId);
    expect((await post(`/api/v1/cases/${caseId}/reopen`, {}, bearer(viewer))).status).toBe(403);
    const reopened = await post(`/api/v1/cases/${caseId}/reopen`, {}, bearer(responder));
    expect(reopened.status).toBe(200);
    const body = await reopened.json();
    expect(body.status).toBe("open");
    expect(body.audit[0]).toMatchObject({ action: "reopen", actor: expect.stringMatching(/^token:ci-responder-/) });
    const bogus = await fetch(`${server.url}/api/v1/cases`, { headers: bearer(`tarka_${"A".repeat(43)}`) });
    expect(bogus.status).toBe(401);
    expect((await bogus.json()).error.message).toBe("unknown, revoked or expired API token");
    expect((await fetch(`${server.url}/api/v1/cases`, { headers: bearer("garbage") })).status).toBe(401);
  });

  it("lets the admin list, create and update users through /api/v1/users", async () => {
    const username = `ops-${Date.now()}`;
    expect((await post("/api/v1/users", { username, password: "short", role: "viewer" })).status).toBe(400);
    expect((await post("/api/v1/users", { username, password: "long enough password", role: "viewer" }, {})).status).toBe(403);
    const created = await post("/api/v1/users", { username, password: "long enough password", role: "viewer" });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await post("/api/v1/users", { username, password: "long enough password" })).status).toBe(409);
    const users = await (await fetch(`${server.url}/api/v1/users`)).json();
    expect(users.items.find((u: { id: string }) => u.id === id)).toMatchObject({ username, role: "viewer", disabled: false, provider: "local" });
    const patch = (body: unknown) =>
      fetch(`${server.url}/api/v1/users/${id}`, { method: "PATCH", headers: { "content-type": "application/json", "x-tarka-csrf": csrf }, body: JSON.stringify(body) });
    const updated = await patch({ role: "responder", disabled: true });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ id, role: "responder", disabled: true });
    expect((await patch({})).status).toBe(400);
    expect((await patch({ role: "root" })).status).toBe(400);
  });
  it("proposes, refuses self-approval, moves an action through approve and done, and answers similar cases", async () => {
    const action = { kind: "rollout_restart", namespace: "payments", workload: { kind: "Deployment", name: "checkout-api" } };
    const invalid = await post(`/api/v1/cases/${caseId}/actions`, { action: { ...action, workload: { kind: "Deployment", name: "Checkout API" } }, rationale: "x" });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.details.issues[0].path).toBe("action.workload.name");
    const created = await post(`/api/v1/cases/${caseId}/actions`, { action, rationale: "stale connections" });
    expect(created.status).toBe(201);
    const proposal = await created.json();
    expect(proposal).toMatchObject({ status: "proposed", proposedBy: "anonymous", command: "kubectl -n payments rollout restart deployment/checkout-api" });
    const own = await post(`/api/v1/actions/${proposal.id}/approve`, {});
    expect(own.status).toBe(403);
    expect((await own.json()).error.message).toMatch(/nobody approves their own/);
    expect((await post(`/api/v1/actions/${proposal.id}/launch`, {})).status).toBe(404);
    const token = (await (await post("/api/v1/tokens", { name: `ci-approver-${Date.now()}`, role: "admin" })).json()).secret as string;
    const approved = await post(`/api/v1/actions/${proposal.id}/approve`, { note: "ok" }, { authorization: `Bearer ${token}` });
    expect(approved.status).toBe(200);
    expect((await post(`/api/v1/actions/${proposal.id}/approve`, {}, { authorization: `Bearer ${token}` })).status).toBe(409);
    expect((await post(`/api/v1/actions/${proposal.id}/done`, { note: "restarted" })).status).toBe(200);
    const listed = await (await fetch(`${server.url}/api/v1/cases/${caseId}/actions`)).json();
    const mine = listed.items.find((a: { id: string }) => a.id === proposal.id);
    expect(mine.history.map((h: { action: string }) => h.action)).toEqual(["propose", "approve", "done"]);
    const similar = await fetch(`${server.url}/api/v1/cases/${caseId}/similar`);
    expect(similar.status).toBe(200);
    expect(await similar.json()).toEqual({ items: [] });
    expect(await (await fetch(`${server.url}/api/v1/runs/${runId}/report?format=md`)).text()).toContain("## Seen before");
  });
});
