// GET /metrics — Prometheus exposition of the tarka_* metrics
import { renderMetrics } from "@/lib/runtime";
import { getWebRuntime } from "@/lib/web-runtime";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const rt = await getWebRuntime();
  return new Response(await renderMetrics(rt), { headers: { "content-type": rt.metrics.registry.contentType } });
}
