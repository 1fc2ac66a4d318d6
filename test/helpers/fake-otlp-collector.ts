import http from "node:http";
import { listenOnLoopback } from "./listen";

/** OTLP/JSON as the collector receives it (only the fields these tests read). */
type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
export type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  attributes?: Array<{ key: string; value: OtlpValue }>;
};
type OtlpExport = {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: OtlpValue }> };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
};

/** A collector speaking OTLP/HTTP: POST /v1/traces with a JSON ExportTraceServiceRequest, 200 with a JSON response. */
export async function startFakeCollector() {
  const requests: Array<{ contentType: string | undefined; body: OtlpExport }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      requests.push({ contentType: req.headers["content-type"], body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    requests,
    /** Spans exported under one service.name, so parallel runs never see each other's spans. */
    spansOf(serviceName: string): OtlpSpan[] {
      return requests.flatMap((r) =>
        r.body.resourceSpans
          .filter((rs) => rs.resource.attributes.some((a) => a.key === "service.name" && a.value.stringValue === serviceName))
          .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
      );
    },
    close,
  };
}

export function attr(span: OtlpSpan, key: string): OtlpValue["stringValue"] | OtlpValue["intValue"] | boolean | undefined {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue ?? v?.boolValue;
}

export type FakeCollector = Awaited<ReturnType<typeof startFakeCollector>>;
