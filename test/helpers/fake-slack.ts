import http from "node:http";
import { listenOnLoopback } from "./listen";

/**
 * A fake Slack Web API on loopback, speaking Slack's wire shapes: `POST /api/<method>` with a bearer
 * token and a form-encoded (objects as JSON) or JSON body, answered HTTP 200 `{ok: true, …}` or
 * `{ok: false, error}`; HTTP 429 with `Retry-After` and 5xx when a test injects them. Point
 * SLACK_API_URL at `${url}/api/`.
 *
 * Methods: chat.postMessage, chat.update, chat.postEphemeral, chat.getPermalink, users.info,
 * users.lookupByEmail. A test in another process drives it with `POST /__users` (`{id: email}`) and
 * `POST /__fail` (`{method, failures}`), and reads what was posted from `GET /__messages`. A test in
 * this process can also make the next calls of a method answer late (`delayNext`), as a slow Slack does.
 */

export type FakeSlackMessage = { channel: string; ts: string; text: string; blocks: unknown[]; threadTs: string | null; updates: number };
export type FakeSlackCall = { method: string; args: Record<string, unknown> };
/** An injected failure: an HTTP status (429 carries Retry-After seconds) or a platform error. */
export type FakeSlackFailure = { status: number; retryAfter?: number } | { error: string };

export type FakeSlack = {
  url: string;
  /** Base URL for SLACK_API_URL. */
  apiUrl: string;
  token: string;
  calls: FakeSlackCall[];
  messages: FakeSlackMessage[];
  ephemerals: Array<{ channel: string; user: string; text: string; threadTs: string | null }>;
  /** Slack user id → profile e-mail. */
  users: Map<string, string>;
  /** The next calls of `method` (or any method with "*") fail like this, in order. */
  failNext(method: string, ...failures: FakeSlackFailure[]): void;
  /** The next call of `method` is answered only after `ms` (it is recorded in `calls` on arrival). */
  delayNext(method: string, ms: number): void;
  /** Top-level messages (not thread replies) in a channel. */
  topLevel(channel?: string): FakeSlackMessage[];
  replies(ts: string): FakeSlackMessage[];
  stop(): Promise<void>;
};

function parseBody(raw: string, type: string): Record<string, unknown> {
  if (type.includes("application/json")) return JSON.parse(raw || "{}") as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = (v.startsWith("[") || v.startsWith("{")) ? JSON.parse(v) : v;
  }
  return out;
}

export async function startFakeSlack(options: { token?: string; port?: number } = {}): Promise<FakeSlack> {
  const token = options.token ?? "xoxb-fake-0000000000-test";
  const calls: FakeSlackCall[] = [];
  const messages: FakeSlackMessage[] = [];
  const ephemerals: FakeSlack["ephemerals"] = [];
  const users = new Map<string, string>();
  const failures = new Map<string, FakeSlackFailure[]>();
  const delays = new Map<string, number[]>();
  let clock = 1_700_000_000;
  const nextTs = () => `${++clock}.000100`;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
        res.end(JSON.stringify(body));
      };
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (path === "/__users" && req.method === "POST") {
        for (const [id, email] of Object.entries(JSON.parse(raw) as Record<string, string>)) users.set(id, email);
        return send(200, { ok: true });
      }
      if (path === "/__fail" && req.method === "POST") {
        const { method, failures: f } = JSON.parse(raw) as { method: string; failures: FakeSlackFailure[] };
        failures.set(method, [...(failures.get(method) ?? []), ...f]);
        return send(200, { ok: true });
      }
      if (path === "/__messages") return send(200, { messages, ephemerals });
      const method = path.replace(/^\/api\//, "");
      const args = parseBody(raw, req.headers["content-type"] ?? "");
      calls.push({ method, args });
      const delay = delays.get(method)?.shift();
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (req.headers.authorization !== `Bearer ${token}`) return send(200, { ok: false, error: "invalid_auth" });
      const queued = failures.get(method)?.length ? failures.get(method) : failures.get("*");
      const failure = queued?.shift();
      if (failure && "status" in failure) {
        return send(failure.status, failure.status === 429 ? { ok: false, error: "ratelimited" } : { ok: false, error: "service_unavailable" }, failure.retryAfter === undefined ? {} : { "retry-after": String(failure.retryAfter) });
      }
      if (failure) return send(200, { ok: false, error: failure.error });
      const channel = String(args.channel ?? "");
      switch (method) {
        case "chat.postMessage": {
          if (!channel) return send(200, { ok: false, error: "channel_not_found" });
          const m: FakeSlackMessage = { channel, ts: nextTs(), text: String(args.text ?? ""), blocks: (args.blocks as unknown[]) ?? [], threadTs: args.thread_ts ? String(args.thread_ts) : null, updates: 0 };
          messages.push(m);
          return send(200, { ok: true, channel, ts: m.ts, message: { type: "message", text: m.text, ts: m.ts, blocks: m.blocks } });
        }
        case "chat.update": {
          const m = messages.find((x) => x.channel === channel && x.ts === String(args.ts));
          if (!m) return send(200, { ok: false, error: "message_not_found" });
          m.text = String(args.text ?? m.text);
          m.blocks = (args.blocks as unknown[]) ?? m.blocks;
          m.updates++;
          return send(200, { ok: true, channel, ts: m.ts, text: m.text });
        }
        case "chat.postEphemeral":
          ephemerals.push({ channel, user: String(args.user), text: String(args.text ?? ""), threadTs: args.thread_ts ? String(args.thread_ts) : null });
          return send(200, { ok: true, message_ts: nextTs() });
        case "chat.getPermalink":
          return send(200, { ok: true, channel, permalink: `https://fake.slack.com/archives/${channel}/p${String(args.message_ts).replace(".", "")}` });
        case "users.info": {
          const id = String(args.user);
          if (!users.has(id)) return send(200, { ok: false, error: "user_not_found" });
          return send(200, { ok: true, user: { id, name: id.toLowerCase(), profile: { email: users.get(id) } } });
        }
        case "users.lookupByEmail": {
          const found = [...users].find(([, email]) => email === args.email);
          if (!found) return send(200, { ok: false, error: "users_not_found" });
          return send(200, { ok: true, user: { id: found[0], profile: { email: found[1] } } });
        }
        default:
          return send(200, { ok: false, error: "unknown_method" });
      }
    });
  });
  const listening = await listenOnLoopback(server, options.port);
  return {
    url: listening.url,
    apiUrl: `${listening.url}/api/`,
    token,
    calls,
    messages,
    ephemerals,
    users,
    failNext(method, ...f) {
      failures.set(method, [...(failures.get(method) ?? []), ...f]);
    },
    delayNext(method, ms) {
      delays.set(method, [...(delays.get(method) ?? []), ms]);
    },
    topLevel: (channel) => messages.filter((m) => m.threadTs === null && (!channel || m.channel === channel)),
    replies: (ts) => messages.filter((m) => m.threadTs === ts),
    stop: () => listening.close(),
  };
}
