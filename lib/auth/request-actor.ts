import { decode } from "next-auth/jwt";
import type { Db } from "@/lib/db/client";
import type { Env } from "@/lib/env";
import { ServiceError } from "@/lib/errors";
import { anonymousActor, type Actor } from "./actor";
import { anonymousCsrfToken, assertCsrf, CSRF_HEADER } from "./csrf";
import { resolveApiToken } from "./resolve-api-token";
import { resolveSession } from "./sessions";

/** How the caller proved who they are: a session cookie, a bearer API token, or nothing (AUTH_MODE=disabled). */
export type Credential = "session" | "token" | "anonymous";

export type RequestSession = { actor: Actor; csrfToken: string; authMode: Env["AUTH_MODE"]; credential: Credential };

/** next-auth's cookie names: the `__Secure-` one is used when the public URL is https. */
export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

type CookieJar = { get(name: string): { value: string } | undefined };
type AuthRuntime = { env: Pick<Env, "AUTH_MODE" | "AUTH_SESSION_SECRET">; database: { db: Db } };

/** The token of an `Authorization: Bearer …` header, or null when there is no such header. */
export function bearerToken(authorization: string | null | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return m ? m[1] : null;
}

/**
 * Who is making this request. A bearer token, when sent, is the only credential looked at (a bad one
 * is not rescued by a cookie). The JWT cookie is only a pointer: the session row is checked on every
 * request, so a revoked session or a disabled user stops working at once.
 */
export async function getRequestSession({
  rt,
  cookies,
  authorization,
}: {
  rt: AuthRuntime;
  cookies: CookieJar;
  authorization?: string | null;
}): Promise<RequestSession | null> {
  const authMode = rt.env.AUTH_MODE;
  const now = new Date();
  const bearer = bearerToken(authorization);
  if (bearer) {
    const actor = await resolveApiToken({ ctx: { db: rt.database.db, now }, input: { token: bearer } });
    return actor ? { actor, csrfToken: "", authMode, credential: "token" } : null;
  }
  if (authMode === "disabled") {
    return { actor: anonymousActor, csrfToken: anonymousCsrfToken(rt.env.AUTH_SESSION_SECRET), authMode, credential: "anonymous" };
  }
  const secret = rt.env.AUTH_SESSION_SECRET;
  const raw = SESSION_COOKIES.map((n) => cookies.get(n)?.value).find(Boolean);
  if (!secret || !raw) return null;
  const token = await decode({ token: raw, secret }).catch(() => null);
  const sid = token?.sid;
  if (typeof sid !== "string") return null;
  const resolved = await resolveSession({ ctx: { db: rt.database.db, now }, input: { sessionId: sid } });
  return resolved ? { ...resolved, authMode, credential: "session" } : null;
}

/**
 * An /api/v1 request's session: 401 without a valid credential; on state changes, 403 without the
 * CSRF header. Bearer tokens skip the CSRF check: a browser never attaches them by itself, so a
 * cross-site request cannot carry one.
 */
export async function authenticateApiRequest({
  rt,
  cookies,
  headers,
  mutating,
}: {
  rt: AuthRuntime;
  cookies: CookieJar;
  headers: Headers;
  mutating: boolean;
}): Promise<RequestSession> {
  const authorization = headers.get("authorization");
  const session = await getRequestSession({ rt, cookies, authorization });
  if (!session) {
    throw new ServiceError("unauthorized", bearerToken(authorization) ? "unknown, revoked or expired API token" : "sign in first");
  }
  if (mutating && session.credential !== "token") assertCsrf(headers.get(CSRF_HEADER), session.csrfToken);
  return session;
}
