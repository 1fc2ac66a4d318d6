import { z } from "zod";
import { ServiceError } from "@/lib/errors";
import { fetchLogsText, type LogQuery, type RawLogEntry } from "./log-backend-http";

const responseSchema = z.object({
  status: z.literal("success"),
  data: z.object({
    resultType: z.literal("streams"),
    result: z.array(
      z.object({
        stream: z.record(z.string(), z.string()).default({}),
        values: z.array(z.tuple([z.string(), z.string()]).rest(z.unknown())),
      }),
    ),
  }),
});

function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A LogQL stream selector, e.g. `{namespace="prod",pod="api-1"}`. */
export function buildLogQL(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(",")}}`;
}

function nanos(date: Date): string {
  return (BigInt(date.getTime()) * 1_000_000n).toString();
}

/** `GET /loki/api/v1/query_range`, newest entries first (direction=backward). */
export async function queryLoki(input: LogQuery): Promise<RawLogEntry[]> {
  const params = new URLSearchParams({
    query: input.query,
    start: nanos(input.start),
    end: nanos(input.end),
    limit: String(input.limit),
    direction: "backward",
  });
  const text = await fetchLogsText("Loki", `${input.baseUrl}/loki/api/v1/query_range?${params}`, {}, input);
  let parsed: z.infer<typeof responseSchema>;
  try {
    parsed = responseSchema.parse(JSON.parse(text));
  } catch {
    throw new ServiceError("unavailable", "Loki answered with an unexpected response shape", {
      details: { provider: "logs", query: input.query, reason: "bad_response" },
    });
  }
  return parsed.data.result.flatMap((s) =>
    s.values.map(([ts, line]) => ({ ns: BigInt(ts), line, labels: s.stream })),
  );
}

/** True when `baseUrl` answers Loki's label-names endpoint the Loki way. */
export async function isLoki(baseUrl: string, headers: Record<string, string>, signal: AbortSignal): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/loki/api/v1/labels`, { headers, signal });
    if (!res.ok) return false;
    const body = (await res.json()) as { status?: unknown };
    return body.status === "success";
  } catch {
    return false;
  }
}
