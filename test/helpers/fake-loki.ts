import http from "node:http";
import { checkBasicAuth, type BasicAuth } from "./basic-auth";
import { listenOnLoopback } from "./listen";

/**
 * A fake Grafana Loki speaking the documented HTTP API on loopback (Loki itself is not installable
 * here): `GET /loki/api/v1/query_range`, `GET /loki/api/v1/labels`, `GET /ready`. LogQL support is
 * the log-query subset: a stream selector `{a="b",c=~"d.*",e!="f",g!~"h"}` followed by line filters
 * `|= "x"`, `!= "x"`, `|~ "re"`, `!~ "re"`. Anything else is a 400 parse error, as Loki answers.
 */

/** One Loki stream as pushed: labels and `[unix-nanoseconds, line]` pairs. */
export type LokiStream = { stream: Record<string, string>; values: Array<[string, string]> };

export type FakeLoki = {
  url: string;
  /** The decoded query string of every query_range call, in order. */
  queries: Array<{ query: string; start: string | null; end: string | null; limit: string | null; direction: string | null }>;
  push(stream: LokiStream): void;
  /** While down, every endpoint answers 500. */
  setDown(down: boolean): void;
  stop(): Promise<void>;
};

/** Nanosecond timestamp string for a Date, as Loki's API expects. */
export function toNs(date: Date): string {
  return (BigInt(date.getTime()) * 1_000_000n).toString();
}

const MAX_ENTRIES = 5_000;

class ParseError extends Error {}

type Matcher = { label: string; op: "=" | "!=" | "=~" | "!~"; value: string };
type LineFilter = { op: "|=" | "!=" | "|~" | "!~"; value: string };

function anchored(re: string): RegExp {
  try {
    return new RegExp(`^(?:${re})$`);
  } catch (e) {
    throw new ParseError(`parse error : error parsing regexp: ${(e as Error).message}`);
  }
}

/** Parses `{…} |= "…"` into matchers and line filters, with Loki-style parse errors. */
export function parseLogQL(query: string): { matchers: Matcher[]; filters: LineFilter[] } {
  let i = 0;
  const fail = (what: string): never => {
    throw new ParseError(`parse error at line 1, col ${i + 1}: syntax error: ${what}`);
  };
  const skip = () => {
    while (i < query.length && /\s/.test(query[i]!)) i++;
  };
  const readString = (): string => {
    skip();
    const quote = query[i];
    if (quote === "`") {
      const end = query.indexOf("`", i + 1);
      if (end < 0) fail("unterminated raw string");
      const s = query.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (quote !== '"') return fail(`unexpected ${JSON.stringify(query.slice(i, i + 10))}, expecting STRING`);
    let out = "";
    i++;
    while (i < query.length && query[i] !== '"') {
      if (query[i] === "\\") {
        i++;
        const c = query[i];
        out += c === "n" ? "\n" : c === "t" ? "\t" : (c ?? "");
      } else out += query[i];
      i++;
    }
    if (query[i] !== '"') fail("unterminated string");
    i++;
    return out;
  };

  skip();
  if (query[i] !== "{") fail(`unexpected ${JSON.stringify(query.slice(i, i + 10))}, expecting {`);
  i++;
  const matchers: Matcher[] = [];
  for (;;) {
    skip();
    if (query[i] === "}") {
      i++;
      break;
    }
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(query.slice(i));
    if (!m) fail(`unexpected ${JSON.stringify(query.slice(i, i + 10))}, expecting IDENTIFIER`);
    const label = m![0];
    i += label.length;
    skip();
    const op = (["=~", "!~", "!=", "="] as const).find((o) => query.startsWith(o, i));
    if (!op) fail("unexpected token, expecting = or != or =~ or !~");
    i += op!.length;
    matchers.push({ label, op: op!, value: readString() });
    skip();
    if (query[i] === ",") i++;
    else if (query[i] !== "}") fail("unexpected token, expecting , or }");
  }
  const filters: LineFilter[] = [];
  for (;;) {
    skip();
    if (i >= query.length) break;
    const op = (["|=", "!=", "|~", "!~"] as const).find((o) => query.startsWith(o, i));
    if (!op) fail(`unexpected ${JSON.stringify(query.slice(i, i + 10))}`);
    i += op!.length;
    filters.push({ op: op!, value: readString() });
  }
  if (matchers.length === 0) throw new ParseError("parse error : queries require at least one matcher");
  const matchesEmpty = (m: Matcher) =>
    m.op === "=" ? m.value === "" : m.op === "!=" ? m.value !== "" : m.op === "=~" ? anchored(m.value).test("") : !anchored(m.value).test("");
  if (matchers.every(matchesEmpty)) {
    throw new ParseError("parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will");
  }
  return { matchers, filters };
}

/** Loki's timestamp forms: nanoseconds (or seconds when at most 10 digits), float seconds, RFC3339. */
function parseTime(value: string | null, fallback: bigint): bigint {
  if (value === null || value === "") return fallback;
  if (/^\d+$/.test(value)) return value.length <= 10 ? BigInt(value) * 1_000_000_000n : BigInt(value);
  if (/^\d+\.\d+$/.test(value)) return BigInt(Math.round(Number(value) * 1e6)) * 1_000n;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ParseError(`invalid parameter: cannot parse "${value}" to a valid timestamp`);
  return BigInt(ms) * 1_000_000n;
}

export async function startFakeLoki(
  options: {
    streams?: LokiStream[];
    basicAuth?: BasicAuth;
    /** Delay before every answer, as a real Loki's query latency. */
    delayMs?: number;
  } = {},
): Promise<FakeLoki> {
  const streams: LokiStream[] = [...(options.streams ?? [])];
  const queries: FakeLoki["queries"] = [];
  let down = false;

  function queryRange(params: URLSearchParams) {
    const query = params.get("query") ?? "";
    queries.push({ query, start: params.get("start"), end: params.get("end"), limit: params.get("limit"), direction: params.get("direction") });
    const { matchers, filters } = parseLogQL(query);
    const now = BigInt(Date.now()) * 1_000_000n;
    const end = parseTime(params.get("end"), now);
    const start = parseTime(params.get("start"), end - 3_600n * 1_000_000_000n);
    if (end < start) throw new ParseError("invalid parameter: end timestamp must not be before or equal to start time");
    const limit = Number(params.get("limit") ?? 100);
    if (!Number.isInteger(limit) || limit <= 0) throw new ParseError("invalid parameter: limit must be a positive value");
    if (limit > MAX_ENTRIES) throw new ParseError(`max entries limit per query exceeded, limit > max_entries_limit (${limit} > ${MAX_ENTRIES})`);
    const direction = params.get("direction") ?? "backward";
    if (direction !== "backward" && direction !== "forward") throw new ParseError(`invalid parameter: invalid direction '${direction}'`);

    const matchesLabels = (labels: Record<string, string>) =>
      matchers.every((m) => {
        const v = labels[m.label] ?? "";
        if (m.op === "=") return v === m.value;
        if (m.op === "!=") return v !== m.value;
        if (m.op === "=~") return anchored(m.value).test(v);
        return !anchored(m.value).test(v);
      });
    const matchesLine = (line: string) =>
      filters.every((f) => {
        if (f.op === "|=") return line.includes(f.value);
        if (f.op === "!=") return !line.includes(f.value);
        const re = new RegExp(f.value);
        return f.op === "|~" ? re.test(line) : !re.test(line);
      });

    const hits: Array<{ stream: Record<string, string>; ts: bigint; line: string }> = [];
    for (const s of streams) {
      if (!matchesLabels(s.stream)) continue;
      for (const [ts, line] of s.values) {
        const t = BigInt(ts);
        if (t >= start && t < end && matchesLine(line)) hits.push({ stream: s.stream, ts: t, line });
      }
    }
    hits.sort((a, b) => (a.ts === b.ts ? 0 : (a.ts < b.ts) === (direction === "backward") ? 1 : -1));
    const kept = hits.slice(0, limit);
    const byStream = new Map<Record<string, string>, Array<[string, string]>>();
    for (const h of kept) {
      const list = byStream.get(h.stream) ?? [];
      list.push([h.ts.toString(), h.line]);
      byStream.set(h.stream, list);
    }
    return {
      status: "success",
      data: {
        resultType: "streams",
        result: [...byStream].map(([stream, values]) => ({ stream, values })),
        stats: { summary: { totalEntriesReturned: kept.length } },
      },
    };
  }

  const server = http.createServer((req, res) => {
    if (options.delayMs) setTimeout(() => handle(req, res), options.delayMs);
    else handle(req, res);
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    req.resume();
    if (!checkBasicAuth(req, res, options.basicAuth)) return;
    if (down) {
      res.writeHead(500, { "content-type": "text/plain" }).end("rpc error: code = Unavailable desc = all ingesters are down");
      return;
    }
    if (req.method !== "GET") {
      res.writeHead(405, { "content-type": "text/plain" }).end("method not allowed");
      return;
    }
    try {
      if (url.pathname === "/ready") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ready\n");
      } else if (url.pathname === "/loki/api/v1/labels") {
        const names = [...new Set(streams.flatMap((s) => Object.keys(s.stream)))].sort();
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", data: names }));
      } else if (url.pathname === "/loki/api/v1/query_range") {
        const body = JSON.stringify(queryRange(url.searchParams));
        res.writeHead(200, { "content-type": "application/json" }).end(body);
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found\n");
      }
    } catch (e) {
      if (e instanceof ParseError) res.writeHead(400, { "content-type": "text/plain" }).end(e.message);
      else res.writeHead(500, { "content-type": "text/plain" }).end(String(e));
    }
  }
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    queries,
    push(stream) {
      streams.push(stream);
    },
    setDown(value) {
      down = value;
    },
    stop: close,
  };
}
