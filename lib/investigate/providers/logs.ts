import { ServiceError, errorMessage } from "@/lib/errors";
import { redactText } from "@/lib/redact";
import type { LogEntry, LogSelector, LogsProvider, LogsResult } from "./types";
import type { RawLogEntry } from "./log-backend-http";
import { providerEndpoint } from "./fetch-text";
import { buildLogQL, isLoki, queryLoki } from "./loki";
import { buildLogsQL, isVictoriaLogs, queryVictoriaLogs } from "./victorialogs";

export type LogsBackend = "loki" | "victorialogs";

export type CreateLogsProviderOptions = {
  baseUrl: string;
  /** When unset, detected on first use: see `detectLogsBackend`. */
  backend?: LogsBackend;
  /** Budget for one `fetch()` call as a whole: detection plus every fallback query. */
  timeoutMs: number;
};

const MAX_LINE = 2_000;
const MAX_LIMIT = 5_000;

/**
 * How different collectors name the Kubernetes labels, tried in this order: Promtail / Grafana
 * Kubernetes defaults, OpenTelemetry collector (`k8s.*.name` with dots flattened), Fluent Bit's
 * kubernetes filter. A selector key a convention has no name for skips that convention rather than
 * widening the query.
 */
export const labelConventions: Array<{ name: string; labels: Partial<Record<keyof LogSelector, string>> }> = [
  { name: "kubernetes", labels: { namespace: "namespace", pod: "pod", container: "container", service: "service", job: "job" } },
  {
    name: "opentelemetry",
    labels: { namespace: "k8s_namespace_name", pod: "k8s_pod_name", container: "k8s_container_name", service: "service_name", job: "k8s_job_name" },
  },
  { name: "fluent-bit", labels: { namespace: "namespace_name", pod: "pod_name", container: "container_name" } },
];

const selectorKeys: Array<keyof LogSelector> = ["namespace", "pod", "container", "service", "job"];

/** The label sets to try for a selector, in convention order, without duplicates. */
export function candidateLabelSets(selector: LogSelector): Array<Record<string, string>> {
  const given = selectorKeys.filter((k) => selector[k]);
  if (given.length === 0) return [];
  const sets: Array<Record<string, string>> = [];
  for (const convention of labelConventions) {
    if (!given.every((k) => convention.labels[k])) continue;
    sets.push(Object.fromEntries(given.map((k) => [convention.labels[k]!, selector[k]!])));
  }
  return sets;
}

/**
 * Detection rule: a server whose `/loki/api/v1/labels` answers `{"status":"success",…}` is Loki;
 * otherwise one whose `/select/logsql/query?query=_time:1s&limit=1` answers 200 is VictoriaLogs;
 * otherwise null (nothing recognisable, or down). Both probes run at once; Loki wins a tie.
 */
export async function detectLogsBackend(baseUrl: string, headers: Record<string, string>, signal: AbortSignal): Promise<LogsBackend | null> {
  const [loki, victorialogs] = await Promise.all([isLoki(baseUrl, headers, signal), isVictoriaLogs(baseUrl, headers, signal)]);
  return loki ? "loki" : victorialogs ? "victorialogs" : null;
}

function toEntry(raw: RawLogEntry): LogEntry {
  const line = raw.line.replace(/\r?\n$/, "");
  return {
    timestamp: new Date(Number(raw.ns / 1_000_000n)).toISOString(),
    line: line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line,
    labels: raw.labels,
  };
}

/**
 * Reads logs from Loki or VictoriaLogs. Never throws for backend trouble: the three outcomes stay
 * distinct — `ok` (entries), `empty` (the backend answered but no label convention matched; `query`
 * lists every query tried) and `unavailable` (with the reason, and the query that failed).
 */
export function createLogsProvider(options: CreateLogsProviderOptions): LogsProvider {
  const { baseUrl, headers } = providerEndpoint(options.baseUrl);
  let backend: LogsBackend | null = options.backend ?? null;

  return {
    async fetch(selector: LogSelector, start: Date, end: Date, limit: number): Promise<LogsResult> {
      if (!Number.isInteger(limit) || limit <= 0) throw new ServiceError("invalid_input", `log limit must be a positive integer, got ${limit}`);
      if (end.getTime() < start.getTime()) {
        throw new ServiceError("invalid_input", `log window end ${end.toISOString()} is before start ${start.toISOString()}`);
      }
      const signal = AbortSignal.timeout(options.timeoutMs);
      const labelSets = candidateLabelSets(selector);
      if (labelSets.length === 0) {
        return { status: "unavailable", backend, query: null, reason: "no namespace, pod, container, service or job to select logs by", entries: [] };
      }
      if (!backend) {
        backend = await detectLogsBackend(baseUrl, headers, signal);
        if (!backend) {
          const why = signal.aborted ? `no answer within ${options.timeoutMs} ms` : "it answers neither the Loki nor the VictoriaLogs API";
          return { status: "unavailable", backend: null, query: null, reason: `cannot detect the logs backend at ${baseUrl}: ${why}`, entries: [] };
        }
      }
      const current = backend;
      const cap = Math.min(limit, MAX_LIMIT);
      const tried: string[] = [];
      for (const labels of labelSets) {
        const query = current === "loki" ? buildLogQL(labels) : buildLogsQL(labels);
        tried.push(query);
        let raw: RawLogEntry[];
        try {
          const input = { baseUrl, headers, query, start, end, limit: cap, signal };
          raw = current === "loki" ? await queryLoki(input) : await queryVictoriaLogs(input);
        } catch (e) {
          const reason = signal.aborted ? `timed out after ${options.timeoutMs} ms` : redactText(errorMessage(e));
          return { status: "unavailable", backend: current, query, reason, entries: [] };
        }
        if (raw.length > 0) {
          raw.sort((a, b) => (a.ns === b.ns ? 0 : a.ns < b.ns ? 1 : -1));
          return { status: "ok", backend: current, query, entries: raw.slice(0, cap).map(toEntry) };
        }
      }
      return { status: "empty", backend: current, query: tried.join(" ; "), entries: [] };
    },
  };
}
