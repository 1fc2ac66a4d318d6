// GET /api/v1/me — the signed-in user, their role and the CSRF token for state-changing calls
import { consoleRoute } from "../_lib/console-route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({ mutating: false }, async ({ session }) =>
  Response.json({ user: session.actor, authMode: session.authMode, csrfToken: session.csrfToken }),
);
