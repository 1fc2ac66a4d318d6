import { ServiceError, errorMessage } from "@/lib/errors";

/** An entry as read from a logs backend, with a sortable nanosecond timestamp. */
export type RawLogEntry = { ns: bigint; line: string; labels: Record<string, string> };

export type LogQuery = { baseUrl: string; query: string; start: Date; end: Date; limit: number; signal: AbortSignal };

/**
 * One request to a logs backend, answered as text. A timeout, a network failure and a non-2xx answer
 * each become `unavailable` with the reason the report's queries[] records.
 */
export async function fetchLogsText(
  backend: "Loki" | "VictoriaLogs",
  url: string,
  init: RequestInit,
  { query, signal }: Pick<LogQuery, "query" | "signal">,
): Promise<string> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { ...init, signal });
    text = await res.text();
  } catch (e) {
    const timedOut = signal.aborted;
    const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : "";
    throw new ServiceError("unavailable", timedOut ? `${backend} did not answer in time` : `${backend} unreachable: ${errorMessage(e)}${cause}`, {
      details: { provider: "logs", query, reason: timedOut ? "timeout" : "network" },
      cause: e,
    });
  }
  if (!res.ok) {
    throw new ServiceError("unavailable", `${backend} answered HTTP ${res.status}: ${text.slice(0, 300).trim()}`, {
      details: { provider: "logs", query, reason: "http", status: res.status },
    });
  }
  return text;
}
