import { isIP } from "node:net";

/** A host (and port) an exporter scrapes or a log line names, split into what it can be looked up as. */
export type Address =
  | { kind: "ip"; text: string; ip: string }
  | { kind: "service"; text: string; service: string; namespace: string | null };

const clusterSuffix = /\.svc(\.cluster\.local)?\.?$/;

/**
 * `10.1.2.3:5432`, `redis://:pw@redis-master.cache.svc:6379/0`, `orders-db.orders.svc.cluster.local:5432`
 * or `orders-db:5432` as an IP or a Service name (with its namespace when the name carries one).
 * Anything else (a public host name, a malformed value) is null: it names nothing in the cluster.
 */
export function parseAddress(value: string): Address | null {
  const text = value.trim().slice(0, 300);
  const noScheme = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/^[^@/]*@/, "");
  const hostPort = noScheme.split(/[/?#]/)[0] ?? "";
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostPort);
  const host = bracketed ? (bracketed[1] as string) : hostPort.replace(/:\d+$/, "");
  if (!host) return null;
  if (isIP(host)) return { kind: "ip", text, ip: host };
  const lower = host.toLowerCase();
  const parts = lower.replace(clusterSuffix, "").split(".");
  if (parts.some((p) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p) || p.length > 63)) return null;
  if (parts.length === 1) return { kind: "service", text, service: parts[0] as string, namespace: null };
  // `name.namespace` is only a Service name with the cluster suffix or on its own (two labels); `api.example.com` is not.
  if (parts.length === 2 && (clusterSuffix.test(lower) || !/\.(com|net|org|io|dev|cloud|internal|local)$/.test(lower))) {
    return { kind: "service", text, service: parts[0] as string, namespace: parts[1] as string };
  }
  return null;
}

/** Labels exporters put the scraped server in: postgres_exporter `server`, redis_exporter `addr`, multi-target `target`. */
const addressLabels = ["server", "addr", "target", "instance"];

export function scrapedAddress(labels: Record<string, string>): { label: string; address: Address } | null {
  for (const label of addressLabels) {
    const value = labels[label];
    const address = value ? parseAddress(value) : null;
    if (address) return { label, address };
  }
  return null;
}
