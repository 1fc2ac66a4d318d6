import { z } from "zod";
import { ServiceError } from "@/lib/errors";
import type { AlertmanagerAlertView, AlertmanagerProvider } from "./types";
import { fetchText, providerEndpoint } from "./fetch-text";

export type CreateAlertmanagerProviderOptions = {
  /** Alertmanager root, e.g. `http://alertmanager:9093`; `user:pass@` in it becomes Basic auth. */
  baseUrl: string;
  timeoutMs: number;
};

const stringMap = z.record(z.string(), z.string()).nullish().transform((v) => v ?? {});
const stringList = z.array(z.string()).nullish().transform((v) => v ?? []);

const alertsSchema = z.array(
  z.object({
    fingerprint: z.string(),
    labels: stringMap,
    annotations: stringMap,
    startsAt: z.string(),
    endsAt: z.string(),
    generatorURL: z.string().optional(),
    status: z.object({ state: z.string(), silencedBy: stringList, inhibitedBy: stringList }),
  }),
);

const silencesSchema = z.array(
  z.object({
    id: z.string(),
    status: z.object({ state: z.string() }),
    matchers: z.array(z.unknown()),
    endsAt: z.string(),
    comment: z.string().default(""),
  }),
);

type Silence = Awaited<ReturnType<AlertmanagerProvider["listSilences"]>>[number];

function endpointOf(baseUrl: string): { root: URL; headers: Record<string, string> } {
  const endpoint = providerEndpoint(baseUrl);
  const root = URL.canParse(endpoint.baseUrl) ? new URL(endpoint.baseUrl) : undefined;
  if (root?.protocol !== "http:" && root?.protocol !== "https:") {
    throw new ServiceError("invalid_input", "the Alertmanager URL is not an absolute http(s) URL such as http://alertmanager:9093");
  }
  if (!root.pathname.endsWith("/")) root.pathname = `${root.pathname}/`;
  return { root, headers: endpoint.headers };
}

/**
 * An equality matcher `name="value"` in Alertmanager's matcher syntax (API `filter`, amtool):
 * backslash, double quote and newline escaped, so a label value cannot end the string or change the
 * matcher.
 */
export function alertmanagerMatcher(name: string, value: string): string {
  return `${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

export type SilenceToCreate = { matchers: { name: string; value: string }[]; startsAt: Date; endsAt: Date; createdBy: string; comment: string };

/**
 * The one write Tarka makes anywhere: POST /api/v2/silences for an approved silence proposal
 * (equality matchers only). Returns the silence id.
 */
export async function createAlertmanagerSilence(options: CreateAlertmanagerProviderOptions, silence: SilenceToCreate): Promise<string> {
  const { root, headers } = endpointOf(options.baseUrl);
  const url = new URL("api/v2/silences", root);
  const answer = await fetchText(url, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json", ...headers },
    body: JSON.stringify({
      matchers: silence.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: false, isEqual: true })),
      startsAt: silence.startsAt.toISOString(),
      endsAt: silence.endsAt.toISOString(),
      createdBy: silence.createdBy,
      comment: silence.comment,
    }),
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if ("failure" in answer) {
    throw new ServiceError("unavailable", `Alertmanager POST ${url} failed: ${answer.failure.reason === "timeout" ? `timed out after ${options.timeoutMs} ms` : answer.failure.message}`, {
      cause: answer.failure.error,
    });
  }
  const { res, text } = answer;
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // An answer that is not JSON is reported below with its first bytes.
  }
  const id = res.ok ? z.object({ silenceID: z.string().min(1) }).safeParse(json) : null;
  if (!id?.success) throw new ServiceError("unavailable", `Alertmanager POST ${url} failed: HTTP ${res.status}: ${text.slice(0, 500).trim()}`);
  return id.data.silenceID;
}

/** Read-only Alertmanager API v2 client: GET /api/v2/alerts and GET /api/v2/silences. */
export function createAlertmanagerProvider(options: CreateAlertmanagerProviderOptions): AlertmanagerProvider {
  const { root, headers } = endpointOf(options.baseUrl);

  async function get<T>(route: string, params: URLSearchParams, schema: z.ZodType<T>): Promise<T> {
    const url = new URL(route, root);
    url.search = params.toString();
    const shown = url.toString();
    const fail = (reason: string, message: string, extra: Record<string, unknown> = {}, cause?: unknown) =>
      new ServiceError("unavailable", `Alertmanager GET ${shown} ${message}`, {
        details: { provider: "alertmanager", query: shown, reason, ...extra },
        cause,
      });
    const answer = await fetchText(url, {
      headers: { accept: "application/json", ...headers },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if ("failure" in answer) {
      const f = answer.failure;
      if (f.reason === "timeout") throw fail("timeout", `timed out after ${options.timeoutMs} ms`, {}, f.error);
      throw fail("network", `failed: unreachable (${f.message}${f.lowLevel ? `: ${f.lowLevel}` : ""})`, {}, f.error);
    }
    const { res, text } = answer;
    // A 400 is about our request (for instance a malformed filter matcher), not about Alertmanager's health.
    if (res.status === 400) {
      throw new ServiceError("invalid_input", `Alertmanager rejected GET ${shown}: ${text.slice(0, 500).trim()}`, {
        details: { provider: "alertmanager", query: shown, status: res.status },
      });
    }
    if (!res.ok) throw fail("http", `failed: HTTP ${res.status}: ${text.slice(0, 500).trim()}`, { status: res.status });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw fail("bad_response", `failed: HTTP ${res.status}: not JSON: ${text.slice(0, 200).trim()}`, { status: res.status });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw fail("bad_response", `failed: unexpected response shape at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
    }
    return parsed.data;
  }

  return {
    async listAlerts(filters = {}): Promise<AlertmanagerAlertView[]> {
      const params = new URLSearchParams();
      for (const flag of ["active", "silenced", "inhibited"] as const) {
        const value = filters[flag];
        if (value !== undefined) params.set(flag, String(value));
      }
      for (const matcher of filters.filter ?? []) params.append("filter", matcher);
      const alerts = await get("api/v2/alerts", params, alertsSchema);
      return alerts.map((a) => ({
        fingerprint: a.fingerprint,
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.startsAt,
        endsAt: a.endsAt,
        ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
        status: a.status,
      }));
    },

    async listSilences(): Promise<Silence[]> {
      const silences = await get("api/v2/silences", new URLSearchParams(), silencesSchema);
      return silences.map((s) => ({ id: s.id, status: s.status.state, matchers: s.matchers, endsAt: s.endsAt, comment: s.comment }));
    },
  };
}
