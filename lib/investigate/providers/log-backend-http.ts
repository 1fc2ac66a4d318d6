import { ServiceError } from "@/lib/errors";
import { fetchText } from "./fetch-text";

/** An entry as read from a logs backend, with a sortable nanosecond timestamp. */
export type RawLogEntry = { ns: bigint; line: string; labels: Record<string, string> };

export type LogQuery = {
  baseUrl: string;
  /** Sent with every request (the Basic auth taken from the URL's userinfo). */
  headers: Record<string, string>;
  query: string;
  start: Date;
  end: Date;
  limit: number;
  signal: AbortSignal;
};

/**
 * One request to a logs backend, answered as text. A timeout, a network failure and a non-2xx answer
 * each become `unavailable` with the reason the report's queries[] records.
 */
export async function fetchLogsText(
  backend: "Loki" | "VictoriaLogs",
  url: string,
  init: RequestInit,
  { query, signal, headers }: Pick<LogQuery, "query" | "signal" | "headers">,
): Promise<string> {
  const answer = await fetchText(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...headers }, signal });
  if ("failure" in answer) {
    const f = answer.failure;
    const timedOut = f.reason === "timeout";
    throw new ServiceError("unavailable", timedOut ? `${backend} did not answer in time` : `${backend} unreachable: ${f.message}${f.lowLevel ? ` (${f.lowLevel})` : ""}`, {
      details: { provider: "logs", query, reason: f.reason },
      cause: f.error,
    });
  }
  const { res, text } = answer;
  if (!res.ok) {
    throw new ServiceError("unavailable", `${backend} answered HTTP ${res.status}: ${text.slice(0, 300).trim()}`, {
      details: { provider: "logs", query, reason: "http", status: res.status },
    });
  }
  return text;
}
