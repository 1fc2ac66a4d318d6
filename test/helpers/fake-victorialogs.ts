import { createHash } from "node:crypto";
import http from "node:http";
import { checkBasicAuth, type BasicAuth } from "./basic-auth";
import { listenOnLoopback } from "./listen";

/**
 * A fake VictoriaLogs speaking its documented query API on loopback (VictoriaLogs is not installable
 * here): `/select/logsql/query` (GET or form POST; `query`, `limit`, `start`, `end`) answering JSON
 * lines with `_time`, `_msg`, `_stream`, `_stream_id` and every field, and `/health`.
 * LogsQL subset, filters joined by spaces or AND: `*`, `_time:5m`, `_stream:{a="b",c=~"d"}` (or bare `{…}`),
 * `field:="exact"`, `field:~"regexp"`, `field:word`, `field:"phrase"`, `field:prefix*`, bare words and
 * phrases (matched against `_msg`), each optionally negated with `-`, `!` or `NOT`. Pipes and OR are
 * refused with 400, as an unparsable query is.
 */

export type VictoriaLogsEntry = {
  time: Date | string;
  msg: string;
  /** Stream fields; they are also queryable as ordinary fields, as in VictoriaLogs. */
  stream: Record<string, string>;
  fields?: Record<string, string>;
};

export type FakeVictoriaLogs = {
  url: string;
  /** Every /select/logsql/query call, in order. */
  queries: Array<{ query: string; start: string | null; end: string | null; limit: string | null }>;
  add(entry: VictoriaLogsEntry): void;
  /** While down, every endpoint answers 500. */
  setDown(down: boolean): void;
  stop(): Promise<void>;
};

type Row = Record<string, string> & { _time: string; _msg: string; _stream: string };
type Filter = (row: Row, timeMs: number) => boolean;

class QueryError extends Error {}

function streamString(stream: Record<string, string>): string {
  const parts = Object.keys(stream)
    .sort()
    .map((k) => `${k}=${JSON.stringify(stream[k])}`);
  return `{${parts.join(",")}}`;
}

function parseStreamSelector(body: string): Filter {
  const matchers = body
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((m) => {
      const x = /^([\w.]+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"$/.exec(m);
      if (!x) throw new QueryError(`cannot parse stream filter {${body}}: unexpected ${JSON.stringify(m)}`);
      const [, label, op, raw] = x as unknown as [string, string, string, string];
      const value = JSON.parse(`"${raw}"`) as string;
      const re = op.includes("~") ? new RegExp(`^(?:${value})$`) : null;
      return (row: Row) => {
        const v = row[label] ?? "";
        if (op === "=") return v === value;
        if (op === "!=") return v !== value;
        return op === "=~" ? re!.test(v) : !re!.test(v);
      };
    });
  return (row) => matchers.every((m) => m(row));
}

function durationMs(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(value);
  if (!m) throw new QueryError(`cannot parse _time filter ${JSON.stringify(value)}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as "s"];
  return Number(m[1]) * unit;
}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < query.length) {
    if (/\s/.test(query[i]!)) {
      i++;
      continue;
    }
    let j = i;
    let depth = 0;
    while (j < query.length && (depth > 0 || !/\s/.test(query[j]!))) {
      const c = query[j]!;
      if (c === '"') {
        j++;
        while (j < query.length && query[j] !== '"') j += query[j] === "\\" ? 2 : 1;
        if (j >= query.length) throw new QueryError(`cannot parse query [${query}]: missing closing quote`);
      } else if (c === "{") depth++;
      else if (c === "}") depth--;
      j++;
    }
    tokens.push(query.slice(i, j));
    i = j;
  }
  return tokens;
}

function unquote(value: string): string {
  return value.startsWith('"') ? (JSON.parse(value) as string) : value;
}

function wordMatch(text: string, word: string): boolean {
  if (word.endsWith("*")) return text.split(/[^\p{L}\p{N}_]+/u).some((w) => w.startsWith(word.slice(0, -1)));
  if (/^[\p{L}\p{N}_]+$/u.test(word)) return text.split(/[^\p{L}\p{N}_]+/u).includes(word);
  return text.includes(word);
}

/** Parses the supported LogsQL subset into one predicate. */
export function parseLogsQL(query: string, nowMs = Date.now()): Filter {
  const filters: Filter[] = [];
  const tokens = tokenize(query);
  if (tokens.length === 0) throw new QueryError("missing query; pass it via `query` arg");
  let negate = false;
  for (const raw of tokens) {
    if (raw.startsWith("|")) throw new QueryError(`cannot parse query [${query}]: pipes are not supported by this fake`);
    if (raw === "AND") continue;
    if (raw === "OR") throw new QueryError(`cannot parse query [${query}]: OR is not supported by this fake`);
    if (raw === "NOT") {
      negate = true;
      continue;
    }
    let token = raw;
    let not = negate;
    negate = false;
    if (token.startsWith("-") || token.startsWith("!")) {
      not = true;
      token = token.slice(1);
    }
    let filter: Filter;
    if (token === "*") filter = () => true;
    else if (token.startsWith("_time:")) {
      const ms = durationMs(token.slice("_time:".length));
      filter = (_row, t) => t > nowMs - ms && t <= nowMs;
    } else if (token.startsWith("_stream:{") || token.startsWith("{")) {
      const body = token.slice(token.indexOf("{") + 1);
      if (!body.endsWith("}")) throw new QueryError(`cannot parse query [${query}]: missing } in stream filter`);
      filter = parseStreamSelector(body.slice(0, -1));
    } else {
      const m = /^([\w.]+):(:?=|~)?(.*)$/.exec(token);
      const field = m && !token.startsWith('"') ? m[1]! : "_msg";
      const op = m && !token.startsWith('"') ? (m[2] ?? "") : "";
      const value = unquote(m && !token.startsWith('"') ? m[3]! : token);
      if (m && !token.startsWith('"') && m[3] === "") throw new QueryError(`cannot parse query [${query}]: missing value after ${field}:`);
      if (op === "=" || op === ":=") filter = (row) => (row[field] ?? "") === value;
      else if (op === "~") {
        const re = new RegExp(value);
        filter = (row) => re.test(row[field] ?? "");
      } else filter = (row) => wordMatch(row[field] ?? "", value);
    }
    filters.push(not ? (row, t) => !filter(row, t) : filter);
  }
  return (row, t) => filters.every((f) => f(row, t));
}

/** VictoriaLogs time args: RFC3339 or unix seconds (integer or fractional). */
function parseTimeArg(value: string | null): number | null {
  if (value === null || value === "") return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1_000;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new QueryError(`cannot parse time arg ${JSON.stringify(value)}`);
  return ms;
}

export async function startFakeVictoriaLogs(options: { entries?: VictoriaLogsEntry[]; basicAuth?: BasicAuth } = {}): Promise<FakeVictoriaLogs> {
  const rows: Array<{ row: Row; t: number }> = [];
  const queries: FakeVictoriaLogs["queries"] = [];
  let down = false;

  function add(entry: VictoriaLogsEntry): void {
    const time = entry.time instanceof Date ? entry.time : new Date(entry.time);
    const stream = streamString(entry.stream);
    rows.push({
      t: time.getTime(),
      row: {
        ...entry.fields,
        ...entry.stream,
        _msg: entry.msg,
        _stream: stream,
        _stream_id: createHash("sha256").update(stream).digest("hex").slice(0, 32),
        _time: time.toISOString(),
      },
    });
  }
  (options.entries ?? []).forEach(add);

  function select(params: URLSearchParams): string {
    const query = params.get("query") ?? "";
    queries.push({ query, start: params.get("start"), end: params.get("end"), limit: params.get("limit") });
    const filter = parseLogsQL(query);
    const start = parseTimeArg(params.get("start"));
    const end = parseTimeArg(params.get("end"));
    const limitArg = params.get("limit");
    const limit = limitArg === null || limitArg === "" ? null : Number(limitArg);
    if (limit !== null && (!Number.isInteger(limit) || limit < 0)) throw new QueryError(`cannot parse limit=${limitArg}`);
    let hits = rows.filter(({ row, t }) => (start === null || t >= start) && (end === null || t <= end) && filter(row, t));
    if (limit !== null && limit > 0 && hits.length > limit) {
      // With limit=N the N most recent matches come back, still in storage order.
      const newest = new Set([...hits].sort((a, b) => b.t - a.t).slice(0, limit));
      hits = hits.filter((h) => newest.has(h));
    }
    return hits.map(({ row }) => `${JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b))))}\n`).join("");
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (!checkBasicAuth(req, res, options.basicAuth)) return;
      if (down) {
        res.writeHead(500, { "content-type": "text/plain" }).end("cannot execute query: storage is unavailable");
        return;
      }
      try {
        if (url.pathname === "/health") {
          res.writeHead(200, { "content-type": "text/plain" }).end("OK");
        } else if (url.pathname === "/select/logsql/query" && (req.method === "GET" || req.method === "POST")) {
          const params = new URLSearchParams(url.search);
          if (req.method === "POST") for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
          const lines = select(params);
          res.writeHead(200, { "content-type": "application/stream+json" }).end(lines);
        } else {
          res.writeHead(400, { "content-type": "text/plain" }).end(`unsupported path requested: ${JSON.stringify(url.pathname)}`);
        }
      } catch (e) {
        if (e instanceof QueryError || e instanceof SyntaxError) res.writeHead(400, { "content-type": "text/plain" }).end(e.message);
        else res.writeHead(500, { "content-type": "text/plain" }).end(String(e));
      }
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    queries,
    add,
    setDown(value) {
      down = value;
    },
    stop: close,
  };
}
