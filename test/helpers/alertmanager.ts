import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureDebianPackage, startChildServer } from "./child-server";
import { freePort } from "./free-port";

/** What POST /api/v2/alerts accepts. Omitted startsAt means now; an endsAt in the past resolves the alert. */
export type PostableAlert = {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
};

export type SilenceMatcher = { name: string; value: string; isRegex?: boolean; isEqual?: boolean };

export type AlertmanagerServer = {
  /** Root URL, e.g. http://127.0.0.1:40123 (also its --web.external-url, so payloads are stable). */
  url: string;
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** Creates a silence lasting `minutes` (default 60) and returns its id. */
  createSilence(matchers: SilenceMatcher[], options?: { comment?: string; minutes?: number }): Promise<string>;
  stop(): Promise<void>;
};

export type StartAlertmanagerOptions = {
  /** Where notifications go (e.g. our `/alerts`): group_wait 1s, group_interval 2s, send_resolved true. */
  webhookUrl?: string;
  /** Sent as `Authorization: Bearer <token>` on webhook requests (our WEBHOOK_BEARER_TOKEN). */
  webhookBearerToken?: string;
  /** Sent as HTTP basic auth on webhook requests (`http_config.basic_auth`, our WEBHOOK_BASIC_USER/PASSWORD). */
  webhookBasicAuth?: { username: string; password: string };
  /** Route group_by; default ["alertname"]. `["..."]` sends every alert on its own. */
  groupBy?: string[];
  /** Protects the API with Basic auth (web config); `bcryptHash` must be the bcrypt of `password`. */
  basicAuth?: { username: string; password: string; bcryptHash: string };
};

const BINARY = "/usr/bin/prometheus-alertmanager";

/**
 * Starts Debian's prometheus-alertmanager on a free loopback port with throw-away storage, gossip off.
 * Stable contract for other tests:
 *
 *   const am = await startAlertmanager({ webhookUrl: "http://127.0.0.1:3000/alerts" });
 *   await am.postAlerts([{ labels: { alertname: "KubePodCrashLooping", namespace: "prod", pod: "api-1" } }]);
 *   // about 1 s later Alertmanager POSTs a webhook v4 payload to webhookUrl
 *   await am.stop();
 *
 * The config file is written as JSON, which is valid YAML.
 */
export async function startAlertmanager(options: StartAlertmanagerOptions = {}): Promise<AlertmanagerServer> {
  ensureDebianPackage(BINARY, "prometheus-alertmanager");
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "tarka-am-"));
  const url = `http://127.0.0.1:${port}`;
  const receiver = options.webhookUrl
    ? {
        name: "tarka",
        webhook_configs: [
          {
            url: options.webhookUrl,
            send_resolved: true,
            max_alerts: 0,
            ...(options.webhookBearerToken
              ? { http_config: { authorization: { type: "Bearer", credentials: options.webhookBearerToken } } }
              : options.webhookBasicAuth
                ? { http_config: { basic_auth: options.webhookBasicAuth } }
                : {}),
          },
        ],
      }
    : { name: "tarka" };
  const config = {
    route: {
      receiver: "tarka",
      group_by: options.groupBy ?? ["alertname"],
      group_wait: "1s",
      group_interval: "2s",
      repeat_interval: "1h",
    },
    receivers: [receiver],
  };
  writeFileSync(path.join(dir, "alertmanager.yml"), JSON.stringify(config));
  const args = [
    `--config.file=${path.join(dir, "alertmanager.yml")}`,
    `--storage.path=${path.join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=${url}`,
    // Without this Alertmanager opens gossip on 0.0.0.0:9094, which clashes between parallel tests.
    "--cluster.listen-address=",
  ];
  const headers: Record<string, string> = {};
  if (options.basicAuth) {
    const { username, password, bcryptHash } = options.basicAuth;
    writeFileSync(path.join(dir, "web.yml"), JSON.stringify({ basic_auth_users: { [username]: bcryptHash } }));
    args.push(`--web.config.file=${path.join(dir, "web.yml")}`);
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  }
  const { stop } = await startChildServer({ command: BINARY, args, dir, readyUrl: `${url}/-/ready`, headers });

  const post = async (route: string, body: unknown): Promise<string> => {
    const res = await fetch(`${url}${route}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${route} answered ${res.status}: ${text}`);
    return text;
  };

  return {
    url,
    async postAlerts(alerts) {
      await post("/api/v2/alerts", alerts);
    },
    async createSilence(matchers, { comment = "test silence", minutes = 60 } = {}) {
      const now = Date.now();
      const text = await post("/api/v2/silences", {
        matchers: matchers.map((m) => ({ isRegex: false, isEqual: true, ...m })),
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + minutes * 60_000).toISOString(),
        createdBy: "tarka-tests",
        comment,
      });
      return (JSON.parse(text) as { silenceID: string }).silenceID;
    },
    stop,
  };
}
