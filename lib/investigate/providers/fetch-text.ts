import { errorMessage } from "@/lib/errors";
import { redactText } from "@/lib/redact";

/** Why a request got no HTTP answer: out of time, or the connection itself failed. */
export type FetchFailure = { reason: "timeout" | "network"; message: string; lowLevel: string | null; error: unknown };

/** A provider's base URL without userinfo, and the `Authorization: Basic` header its userinfo stood for. */
export type ProviderEndpoint = { baseUrl: string; headers: Record<string, string> };

/**
 * Splits `http://user:pass@host/path` into the URL without credentials and a Basic auth header:
 * fetch refuses URLs with userinfo, and credentials must never reach a message, a log or a report.
 * Trailing slashes are dropped so callers can append paths.
 */
export function providerEndpoint(url: string): ProviderEndpoint {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !(parsed.username || parsed.password)) return { baseUrl: url.replace(/\/+$/, ""), headers: {} };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = "";
  parsed.password = "";
  return {
    baseUrl: parsed.toString().replace(/\/+$/, ""),
    headers: { authorization: `Basic ${Buffer.from(credentials).toString("base64")}` },
  };
}

/**
 * A request and its body as text, or the failure classified the one way every provider records it
 * in queries[]. `lowLevel` is the socket error under undici's generic "fetch failed". Failure texts
 * are redacted: they end up in reports and logs.
 */
export async function fetchText(url: string | URL, init: RequestInit): Promise<{ res: Response; text: string } | { failure: FetchFailure }> {
  try {
    const res = await fetch(url, init);
    return { res, text: await res.text() };
  } catch (e) {
    const timedOut = init.signal?.aborted === true || (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"));
    const lowLevel = e instanceof Error && e.cause instanceof Error ? redactText(e.cause.message) : null;
    return { failure: { reason: timedOut ? "timeout" : "network", message: redactText(errorMessage(e)), lowLevel, error: e } };
  }
}
