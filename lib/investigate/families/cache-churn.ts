import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, placeholder, promql, sh, text, workloadRef } from "../commands";
import { type Features, formatBytes, stat } from "../features";
import { selector } from "../promql";
import type { Step, Target } from "../report";
import { reason } from "../scores";
import { round } from "../triage";
import { type Finding, findingsModule } from "./findings";
import { alertExprQuery } from "../alert-expression";
import type { MetricQuery } from "./types";

/** redis_exporter series: the exporter's `instance` is the most specific handle; else namespace plus pod or service. */
function redisSelector(t: Target, alert: NormalizedAlert): string {
  const l = alert.labels;
  if (l.instance) return selector({ instance: l.instance });
  return selector({ namespace: t.namespace, pod: t.pod, service: t.pod ? null : t.service });
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const sel = redisSelector(t, alert);
  if (sel === "{}") return alertExprQuery(alert);
  const rate = (metric: string) => `sum(rate(${metric}${sel}[5m]))`;
  return [
    ...alertExprQuery(alert),
    { id: "evictions", title: "Keys evicted", unit: "keys/s", query: rate("redis_evicted_keys_total") },
    { id: "expirations", title: "Keys expired", unit: "keys/s", query: rate("redis_expired_keys_total") },
    {
      id: "hit_ratio",
      title: "Keyspace hit ratio",
      unit: "ratio",
      query: `${rate("redis_keyspace_hits_total")} / (${rate("redis_keyspace_hits_total")} + ${rate("redis_keyspace_misses_total")})`,
    },
    { id: "memory_used", title: "Memory used", unit: "bytes", query: `max(redis_memory_used_bytes${sel})` },
    { id: "memory_max", title: "maxmemory", unit: "bytes", query: `max(redis_memory_max_bytes${sel})` },
  ];
}

function memoryRatio(f: Features): { ratio: number | null; line: string } {
  const used = stat(f, "memory_used");
  const max = stat(f, "memory_max");
  if (!used) return { ratio: null, line: "memory use unknown" };
  if (!max || max.last <= 0) return { ratio: null, line: `memory used ${formatBytes(used.last)}, no maxmemory set` };
  const ratio = used.max / max.last;
  return { ratio, line: `memory used ${formatBytes(used.max)} at peak of ${formatBytes(max.last)} maxmemory (${Math.round(ratio * 100)}%)` };
}

function redisSteps(t: Target): Step[] {
  const ns = nsFlag(t.namespace);
  const target = t.pod ?? (t.workload ? workloadRef(t.workload) : t.service ? sh`svc/${t.service}` : placeholder("redis-pod"));
  return [
    kubectl`${ns}exec ${target} -- redis-cli INFO memory`,
    kubectl`${ns}exec ${target} -- redis-cli CONFIG GET maxmemory-policy`,
    kubectl`${ns}exec ${target} -- redis-cli INFO stats`,
  ];
}

function findings(f: Features): Finding[] {
  const t = f.target;
  const q = queries(t, f.alert);
  const queryOf = (id: string) => q.find((x) => x.id === id)?.query ?? "";
  const evictions = stat(f, "evictions");
  const expirations = stat(f, "expirations");
  const hits = stat(f, "hit_ratio");
  const memory = memoryRatio(f);
  const hitLine = hits ? `hit ratio ${Math.round(hits.last * 100)}% (was ${Math.round(hits.first * 100)}% at the start of the window)` : null;
  const out: Finding[] = [];
  if (evictions && evictions.max > 0 && memory.ratio !== null && memory.ratio >= 0.9) {
    out.push({
      label: "suspected_cache_memory_eviction",
      category: "cache_eviction",
      title: "Redis is full and evicts keys to make room",
      confidence: 85,
      why: [`${round(evictions.last)} keys/s evicted (peak ${round(evictions.max)})`, memory.line, ...(hitLine ? [hitLine] : [])],
      steps: [promql(queryOf("evictions")), ...redisSteps(t), text("Raise maxmemory (and the container memory limit with it) or shrink what is cached; check the eviction policy fits (allkeys-lru for a pure cache).")],
    });
  }
  const lowHits = hits && hits.last < 0.8;
  const expiring = expirations && expirations.avg > 0 && expirations.avg > (evictions?.avg ?? 0);
  const roomy = memory.ratio === null ? !!stat(f, "memory_used") : memory.ratio < 0.8;
  if (lowHits && expiring && roomy) {
    out.push({
      label: "suspected_ttl_too_short",
      category: "cache_eviction",
      title: "Keys expire before they are read again (TTL too short)",
      confidence: 75,
      why: [
        hitLine as string,
        `${round(expirations.avg)} keys/s expire on average, against ${round(evictions?.avg ?? 0)} keys/s evicted`,
        `${memory.line}: memory is not the constraint`,
      ],
      steps: [promql(queryOf("expirations")), promql(queryOf("hit_ratio")), kubectl`${nsFlag(t.namespace)}exec ${t.pod ?? (t.service ? sh`svc/${t.service}` : placeholder("redis-pod"))} -- redis-cli --scan --count 100 | head -20`, text("Sample TTLs of hot keys (redis-cli TTL <key>) and compare with how often they are read; lengthen the TTL in the application's cache settings.")],
    });
  }
  return out;
}

export const cacheChurn = findingsModule({
  family: "cache_churn",
  needs: { k8s: "none", logs: false },
  queries,
  findings,
  unknowns: (f) => [
    stat(f, "hit_ratio") ? `hit ratio ${Math.round((stat(f, "hit_ratio")?.last ?? 0) * 100)}%, but neither evictions near maxmemory nor expirations explain it` : "hit ratio, evictions and expirations over the window (redis_exporter metrics)",
    memoryRatio(f).line,
  ],
  reasons(f) {
    const m = memoryRatio(f);
    return m.ratio !== null && m.ratio >= 0.9 ? [reason("resource_nearly_exhausted", 10, m.line)] : [];
  },
});
