import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getRequestSession, type RequestSession } from "@/lib/auth/request-actor";
import type { Runtime } from "@/lib/runtime";
import { getWebRuntime } from "@/lib/web-runtime";

/** For console pages: the runtime and the session, or a redirect to the sign-in page. */
export async function requirePageSession(): Promise<{ rt: Runtime; session: RequestSession }> {
  const rt = await getWebRuntime();
  const session = await getRequestSession({ rt, cookies: await cookies() });
  if (!session) redirect("/login");
  return { rt, session };
}
