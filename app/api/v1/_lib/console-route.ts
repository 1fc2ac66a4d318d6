import "server-only";
import { cookies } from "next/headers";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { authenticateApiRequest, type RequestSession } from "@/lib/auth/request-actor";
import { describeDbError } from "@/lib/db/describe-db-error";
import { errorBody, httpStatus } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/read-json-body";
import { invalidInput } from "@/lib/http/zod-issues";
import type { Runtime } from "@/lib/runtime";
import { getWebRuntime } from "@/lib/web-runtime";

const MAX_BODY_BYTES = 64 * 1024;

type Handler<P> = (args: { rt: Runtime; actor: Actor; session: RequestSession; req: Request; params: P; now: Date }) => Promise<Response>;

/**
 * Every /api/v1 handler: runtime → session or bearer API token (401) → CSRF header on state changes
 * made with a session (403) → handler;
 * ServiceErrors become the shared error body. Roles are checked inside the verbs.
 */
export function consoleRoute<P = Record<string, never>>(options: { mutating: boolean }, handler: Handler<P>) {
  return async (req: Request, context: { params: Promise<P> }): Promise<Response> => {
    const rt = await getWebRuntime().catch(() => null);
    if (!rt) return Response.json({ error: { code: "unavailable", message: "service is starting or misconfigured" } }, { status: 503 });
    try {
      const session = await authenticateApiRequest({ rt, cookies: await cookies(), headers: req.headers, mutating: options.mutating });
      const res = await handler({ rt, actor: session.actor, session, req, params: await context.params, now: new Date() });
      if (!res.headers.has("cache-control")) res.headers.set("cache-control", "no-store");
      return res;
    } catch (e) {
      const status = httpStatus(e);
      if (status >= 500) rt.log.error({ err: describeDbError(e), path: new URL(req.url).pathname }, "console API failed");
      return Response.json(errorBody(e), { status, headers: { "cache-control": "no-store" } });
    }
  };
}

export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) throw invalidInput(parsed.error, "invalid query");
  return parsed.data;
}

export async function parseBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await readJsonBody(req, MAX_BODY_BYTES));
  if (!parsed.success) throw invalidInput(parsed.error, "invalid body");
  return parsed.data;
}
