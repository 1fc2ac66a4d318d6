import http from "node:http";
import { checkReadiness, renderMetrics, type Runtime } from "@/lib/runtime";

/** The worker's /healthz, /readyz and /metrics on WORKER_PORT. */
export function serveWorkerHealth(runtime: Runtime, port: number, host = "0.0.0.0"): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405).end();
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    } else if (path === "/readyz") {
      const r = await checkReadiness(runtime);
      res.writeHead(r.ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(r));
    } else if (path === "/metrics") {
      const body = await renderMetrics(runtime);
      res.writeHead(200, { "content-type": runtime.metrics.registry.contentType }).end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
