// GET /readyz — readiness: database, queue and report storage reachable
import { checkReadiness } from "@/lib/runtime";
import { getWebRuntime } from "@/lib/web-runtime";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    const result = await checkReadiness(await getWebRuntime());
    return Response.json(result, { status: result.ready ? 200 : 503 });
  } catch {
    return Response.json({ ready: false, checks: { runtime: "unavailable" } }, { status: 503 });
  }
}
