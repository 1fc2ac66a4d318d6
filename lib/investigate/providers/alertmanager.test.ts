import { randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlertmanager, type AlertmanagerServer } from "@/test/helpers/alertmanager";
import { freePort } from "@/test/helpers/free-port";
import { alertmanagerMatcher, createAlertmanagerProvider } from "./alertmanager";
import type { AlertmanagerAlertView, AlertmanagerProvider } from "./types";
import { rejection } from "@/test/helpers/rejection";

let am: AlertmanagerServer;
let provider: AlertmanagerProvider;

beforeAll(async () => {
  am = await startAlertmanager();
  provider = createAlertmanagerProvider({ baseUrl: am.url, timeoutMs: 5_000 });
});

afterAll(async () => {
  await am?.stop();
});

const unique = (name: string) => `${name}${randomBytes(4).toString("hex")}`;

/** Alertmanager answers right after a POST, but alert state settles a moment later. */
async function eventually<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!isDone(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

describe("createAlertmanagerProvider", () => {
  it("lists posted alerts with fingerprints, labels, annotations and status", async () => {
    const alertname = unique("KubePodCrashLooping");
    const startsAt = new Date(Date.now() - 5 * 60_000).toISOString();
    await am.postAlerts([
      {
        labels: { alertname, namespace: "prod", pod: "api-7d9", severity: "critical" },
        annotations: { summary: "Pod prod/api-7d9 is crash looping" },
        startsAt,
        generatorURL: "http://prometheus:9090/graph?g0.expr=up",
      },
      { labels: { alertname, namespace: "prod", pod: "api-8f1", severity: "warning" } },
    ]);

    const alerts = await eventually(
      () => provider.listAlerts({ filter: [`alertname="${alertname}"`] }),
      (list) => list.length === 2 && list.every((a) => a.status.state === "active"),
    );
    expect(alerts).toHaveLength(2);
    const byPod = new Map(alerts.map((a) => [a.labels.pod, a]));
    const first = byPod.get("api-7d9") as AlertmanagerAlertView;
    expect(first.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(first.fingerprint).not.toBe(byPod.get("api-8f1")?.fingerprint);
    expect(first.labels).toEqual({ alertname, namespace: "prod", pod: "api-7d9", severity: "critical" });
    expect(first.annotations).toEqual({ summary: "Pod prod/api-7d9 is crash looping" });
    expect(new Date(first.startsAt).toISOString()).toBe(startsAt);
    expect(new Date(first.endsAt).getTime()).toBeGreaterThan(Date.now());
    expect(first.generatorURL).toBe("http://prometheus:9090/graph?g0.expr=up");
    expect(first.status).toEqual({ state: "active", silencedBy: [], inhibitedBy: [] });
    expect(byPod.get("api-8f1")?.annotations).toEqual({});
    expect(byPod.get("api-8f1")).not.toHaveProperty("generatorURL");
  });

  it("applies filter matchers (equality and regex) and combines them", async () => {
    const alertname = unique("TargetDown");
    await am.postAlerts(
      ["web-1", "web-2", "db-1"].map((instance) => ({
        labels: { alertname, instance, severity: instance.startsWith("db") ? "critical" : "warning" },
      })),
    );
    const instances = async (filter: string[]) =>
      (await provider.listAlerts({ filter })).map((a) => a.labels.instance).sort();

    expect(await eventually(() => instances([`alertname="${alertname}"`]), (l) => l.length === 3)).toEqual(["db-1", "web-1", "web-2"]);
    expect(await instances([`alertname="${alertname}"`, `severity="critical"`])).toEqual(["db-1"]);
    expect(await instances([`alertname="${alertname}"`, `instance=~"web-.*"`])).toEqual(["web-1", "web-2"]);
    expect(await instances([`alertname="${alertname}"`, `instance!="web-1"`])).toEqual(["db-1", "web-2"]);
    expect(await instances([`alertname="${unique("Nothing")}"`])).toEqual([]);
  });

  it("alertmanagerMatcher escapes backslashes, quotes and newlines so a label value matches exactly itself", async () => {
    const base = unique("Odd");
    const odd = `${base}\\"} or {x=~".*`;
    const twins = [odd, `${base}\\\\"} or {x=~".*`, `${base}\\`, `${base}\nline`];
    await am.postAlerts(twins.map((alertname, i) => ({ labels: { alertname, n: String(i) } })));
    const names = async (value: string) => (await provider.listAlerts({ filter: [alertmanagerMatcher("alertname", value)] })).map((a) => a.labels.n);
    for (const [i, value] of twins.entries()) expect(await eventually(() => names(value), (l) => l.length > 0), JSON.stringify(value)).toEqual([String(i)]);
    expect(alertmanagerMatcher("alertname", 'a\\b"c\nd')).toBe('alertname="a\\\\b\\"c\\nd"');
  });

  it("lists silences and honours the silenced flag", async () => {
    const alertname = unique("DiskFull");
    await am.postAlerts([
      { labels: { alertname, device: "sda" } },
      { labels: { alertname, device: "sdb" } },
    ]);
    const comment = unique("maintenance window ");
    const silenceId = await am.createSilence([{ name: "device", value: "sda" }, { name: "alertname", value: alertname }], { comment });

    const silences = await provider.listSilences();
    const silence = silences.find((s) => s.id === silenceId);
    expect(silence).toMatchObject({ id: silenceId, status: "active", comment });
    expect(silence?.matchers).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "device", value: "sda", isRegex: false })]),
    );
    expect(new Date(silence?.endsAt ?? 0).getTime()).toBeGreaterThan(Date.now());

    const filter = [`alertname="${alertname}"`];
    const all = await eventually(
      () => provider.listAlerts({ filter }),
      (l) => l.length === 2 && l.some((a) => a.status.state === "suppressed"),
    );
    const silenced = all.find((a) => a.labels.device === "sda");
    expect(silenced?.status).toEqual({ state: "suppressed", silencedBy: [silenceId], inhibitedBy: [] });

    const unsilenced = await provider.listAlerts({ filter, silenced: false });
    expect(unsilenced.map((a) => a.labels.device)).toEqual(["sdb"]);
    const onlySilenced = await provider.listAlerts({ filter, active: false, silenced: true });
    expect(onlySilenced.map((a) => a.labels.device)).toEqual(["sda"]);
  });

  it("answers invalid_input when Alertmanager rejects a malformed filter", async () => {
    const error = await rejection(provider.listAlerts({ filter: ["alertname"] }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("/api/v2/alerts");
    expect(error.message).toContain("bad matcher format");
  });

  it("throws ServiceError unavailable naming the URL, without credentials, when Alertmanager is unreachable", async () => {
    const port = await freePort();
    const down = createAlertmanagerProvider({ baseUrl: `http://tarka:hunter2-secret@127.0.0.1:${port}`, timeoutMs: 2_000 });
    for (const attempt of [() => down.listAlerts({ active: true }), () => down.listSilences()]) {
      const error = await rejection(attempt());
      expect(error.code).toBe("unavailable");
      expect(error.message).toContain(`http://127.0.0.1:${port}/api/v2/`);
      expect(error.message).not.toContain("hunter2");
      expect(JSON.stringify(error.details)).not.toContain("hunter2");
    }
  });

  it("throws unavailable with reason timeout when Alertmanager accepts but never answers", async () => {
    const sockets: net.Socket[] = [];
    const blackHole = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const { port } = blackHole.address() as net.AddressInfo;
    try {
      const slow = createAlertmanagerProvider({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 });
      const error = await rejection(slow.listAlerts());
      expect(error.code).toBe("unavailable");
      expect(error.message).toContain("timed out after 300 ms");
      expect(error.details).toMatchObject({ provider: "alertmanager", reason: "timeout" });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackHole.close(resolve));
    }
  });

  it("throws unavailable naming the HTTP status when the URL is not an Alertmanager API", async () => {
    const wrongPath = createAlertmanagerProvider({ baseUrl: `${am.url}/not-here`, timeoutMs: 2_000 });
    const error = await rejection(wrongPath.listSilences());
    expect(error.code).toBe("unavailable");
    expect(error.message).toMatch(/HTTP 404/);
  });

  it("refuses a base URL that is not an absolute http(s) URL", () => {
    for (const baseUrl of ["alertmanager:9093", "/api/v2", "ftp://alertmanager"]) {
      expect(() => createAlertmanagerProvider({ baseUrl, timeoutMs: 1_000 }), baseUrl).toThrow(/not an absolute http/);
    }
  });

  it("sends credentials from the URL as Basic auth to a protected Alertmanager", async () => {
    const password = "s3cret-pass";
    // bcrypt("s3cret-pass"), as Alertmanager's web config wants it.
    const bcryptHash = "$2b$12$XOg0M6PLZAYFsBD5BpT5F.ciz6yb5PgRaiKeUm5CLMVeexF0SyCqi";
    const guarded = await startAlertmanager({ basicAuth: { username: "tarka", password, bcryptHash } });
    try {
      const alertname = unique("Guarded");
      await guarded.postAlerts([{ labels: { alertname } }]);
      const withAuth = createAlertmanagerProvider({
        baseUrl: guarded.url.replace("http://", `http://tarka:${password}@`),
        timeoutMs: 5_000,
      });
      const alerts = await eventually(() => withAuth.listAlerts({ filter: [`alertname="${alertname}"`] }), (l) => l.length === 1);
      expect(alerts.map((a) => a.labels.alertname)).toEqual([alertname]);

      const anonymous = createAlertmanagerProvider({ baseUrl: guarded.url, timeoutMs: 5_000 });
      const error = await rejection(anonymous.listAlerts());
      expect(error.code).toBe("unavailable");
      expect(error.message).toContain("HTTP 401");
    } finally {
      await guarded.stop();
    }
  });
});

describe("startAlertmanager (test helper other suites rely on)", () => {
  it("delivers firing and resolved webhook v4 payloads with the bearer token to webhookUrl", async () => {
    const received: Array<{ authorization?: string; body: { version: string; status: string; alerts: Array<{ status: string; labels: Record<string, string>; fingerprint: string }> } }> = [];
    const receiver = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
      req.on("end", () => {
        received.push({ authorization: req.headers.authorization, body: JSON.parse(raw) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const { port } = receiver.address() as net.AddressInfo;
    const token = unique("token-");
    const withWebhook = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${port}/alerts`, webhookBearerToken: token });
    try {
      const alertname = unique("BackupFailed");
      await withWebhook.postAlerts([{ labels: { alertname, job: "backup" } }]);
      await eventually(async () => received.length, (n) => n >= 1);
      expect(received[0]?.authorization).toBe(`Bearer ${token}`);
      expect(received[0]?.body).toMatchObject({ version: "4", status: "firing" });
      expect(received[0]?.body.alerts[0]?.labels).toEqual({ alertname, job: "backup" });

      await withWebhook.postAlerts([{ labels: { alertname, job: "backup" }, endsAt: new Date(Date.now() - 1_000).toISOString() }]);
      const resolved = await eventually(
        async () => received.find((r) => r.body.status === "resolved"),
        (r) => r !== undefined,
      );
      expect(resolved?.body.alerts[0]?.fingerprint).toBe(received[0]?.body.alerts[0]?.fingerprint);
    } finally {
      await withWebhook.stop();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
