import { ServiceError } from "@/lib/errors";
import { fetchLogsText, type LogQuery, type RawLogEntry } from "./log-backend-http";

const RESERVED = new Set(["_msg", "_time", "_stream", "_stream_id"]);

/**
 * LogsQL exact field filters, e.g. `namespace:="prod" pod:="api-1"`. Field filters work whether or not
 * the ingester made these labels stream fields (stream fields are also stored as ordinary fields).
 */
export function buildLogsQL(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}:=${JSON.stringify(v)}`)
    .join(" ");
}

/** `_stream` is rendered as `{a="b",c="d"}`. */
function parseStream(stream: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!stream) return out;
  for (const m of stream.matchAll(/([\w.]+)="((?:[^"\\]|\\.)*)"/g)) {
    try {
      out[m[1]!] = JSON.parse(`"${m[2]}"`) as string;
    } catch {
      out[m[1]!] = m[2]!;
    }
  }
  return out;
}

/** RFC3339 with up to nanosecond precision → unix nanoseconds. */
function rfc3339Nanos(value: string): bigint | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0").slice(0, 9));
}

/** `/select/logsql/query` → JSON lines; VictoriaLogs does not sort them, the caller does. */
export async function queryVictoriaLogs(input: LogQuery): Promise<RawLogEntry[]> {
  const params = new URLSearchParams({
    query: input.query,
    start: input.start.toISOString(),
    end: input.end.toISOString(),
    limit: String(input.limit),
  });
  const text = await fetchLogsText(
    "VictoriaLogs",
    `${input.baseUrl}/select/logsql/query`,
    { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: params },
    input,
  );
  const entries: RawLogEntry[] = [];
  for (const raw of text.split("\n")) {
    if (!raw.trim()) continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new ServiceError("unavailable", `VictoriaLogs answered a line that is not JSON: ${raw.slice(0, 100)}`, {
        details: { provider: "logs", query: input.query, reason: "bad_response" },
      });
    }
    const ns = typeof row._time === "string" ? rfc3339Nanos(row._time) : null;
    if (ns === null) continue;
    const labels = parseStream(typeof row._stream === "string" ? row._stream : undefined);
    for (const [k, v] of Object.entries(row)) if (!RESERVED.has(k) && typeof v === "string") labels[k] = v;
    entries.push({ ns, line: typeof row._msg === "string" ? row._msg : "", labels });
  }
  return entries;
}

/** True when `baseUrl` answers a cheap LogsQL query (the last second of logs) with 200. */
export async function isVictoriaLogs(baseUrl: string, headers: Record<string, string>, signal: AbortSignal): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/select/logsql/query?query=${encodeURIComponent("_time:1s")}&limit=1`, { headers, signal });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}
