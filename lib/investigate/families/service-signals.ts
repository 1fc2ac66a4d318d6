import { type Features, stat } from "../features";
import { selector } from "../promql";
import type { Target } from "../report";
import type { MetricQuery } from "./types";

/** Labels that scope request metrics to the alert's service. */
export function serviceSelector(t: Target): string {
  return selector({ namespace: t.namespace, service: t.service, job: t.service ? null : t.job, pod: t.service ? null : t.pod });
}

export function requestRateQuery(t: Target): MetricQuery {
  return { id: "request_rate", title: "Request rate", unit: "req/s", query: `sum(rate(http_requests_total${serviceSelector(t)}[5m]))` };
}

export function seriesLine(f: Features, id: string, unit = ""): string | null {
  const s = stat(f, id);
  return s ? `${id}: first ${s.first.toPrecision(3)}${unit}, peak ${s.max.toPrecision(3)}${unit}, last ${s.last.toPrecision(3)}${unit}` : null;
}
