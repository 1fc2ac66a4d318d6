import { decode } from "next-auth/jwt";
import type { Runtime } from "@/lib/runtime";
import { anonymousActor, type Actor } from "./actor";
import { anonymousCsrfToken } from "./csrf";
import { resolveSession } from "./sessions";

export type RequestSession = { actor: Actor; csrfToken: string; authMode: Runtime["env"]["AUTH_MODE"] };

/** next-auth's cookie names: the `__Secure-` one is used when the public URL is https. */
export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

type CookieJar = { get(name: string): { value: string } | undefined };

/**
 * Who is making this request. The JWT cookie is only a pointer: the session row is checked on every
 * request, so a revoked session or a disabled user stops working at once.
 */
export async function getRequestSession({ rt, cookies }: { rt: Runtime; cookies: CookieJar }): Promise<RequestSession | null> {
  const authMode = rt.env.AUTH_MODE;
  if (authMode === "disabled") return { actor: anonymousActor, csrfToken: anonymousCsrfToken(rt.env.AUTH_SESSION_SECRET), authMode };
  const secret = rt.env.AUTH_SESSION_SECRET;
  const raw = SESSION_COOKIES.map((n) => cookies.get(n)?.value).find(Boolean);
  if (!secret || !raw) return null;
  const token = await decode({ token: raw, secret }).catch(() => null);
  const sid = token?.sid;
  if (typeof sid !== "string") return null;
  const resolved = await resolveSession({ ctx: { db: rt.database.db, now: new Date() }, input: { sessionId: sid } });
  return resolved ? { ...resolved, authMode } : null;
}
