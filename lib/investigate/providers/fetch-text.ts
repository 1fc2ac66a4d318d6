import { errorMessage } from "@/lib/errors";

/** Why a request got no HTTP answer: out of time, or the connection itself failed. */
export type FetchFailure = { reason: "timeout" | "network"; message: string; lowLevel: string | null; error: unknown };

/**
 * A request and its body as text, or the failure classified the one way every provider records it
 * in queries[]. `lowLevel` is the socket error under undici's generic "fetch failed".
 */
export async function fetchText(url: string | URL, init: RequestInit): Promise<{ res: Response; text: string } | { failure: FetchFailure }> {
  try {
    const res = await fetch(url, init);
    return { res, text: await res.text() };
  } catch (e) {
    const timedOut = init.signal?.aborted === true || (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"));
    const lowLevel = e instanceof Error && e.cause instanceof Error ? e.cause.message : null;
    return { failure: { reason: timedOut ? "timeout" : "network", message: errorMessage(e), lowLevel, error: e } };
  }
}
