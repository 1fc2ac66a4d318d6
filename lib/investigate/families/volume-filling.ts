import { kubectl, promql } from "../commands";
import { type Features, stat } from "../features";
import { selector } from "../promql";
import type { Target } from "../report";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { hypothesis, unknownEnrichment, unknownHypothesis } from "./shared";
import type { EnrichmentDraft, FamilyModule, MetricQuery } from "./types";

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const l = alert.labels;
  if (l.persistentvolumeclaim) {
    const sel = selector({ namespace: t.namespace, persistentvolumeclaim: l.persistentvolumeclaim });
    return [{ id: "used_ratio", title: `PVC ${l.persistentvolumeclaim} used`, unit: "ratio", query: `max(kubelet_volume_stats_used_bytes${sel} / kubelet_volume_stats_capacity_bytes${sel})`, threshold: 0.9 }];
  }
  if (l.instance && l.mountpoint) {
    const sel = selector({ instance: l.instance, mountpoint: l.mountpoint, fstype: l.fstype });
    return [{ id: "used_ratio", title: `${l.mountpoint} on ${l.instance} used`, unit: "ratio", query: `max(1 - node_filesystem_avail_bytes${sel} / node_filesystem_size_bytes${sel})`, threshold: 0.9 }];
  }
  return [];
}

function diagnose(f: Features): EnrichmentDraft | null {
  const used = stat(f, "used_ratio");
  if (!used) return null;
  const hours = (f.window.endMs - f.window.startMs) / 3_600_000;
  const perHour = (used.last - used.first) / hours;
  const eta = perHour > 0 ? (1 - used.last) / perHour : null;
  // Neither growing nor past the query's own 90 % threshold: nothing is filling.
  if (eta === null && used.last < 0.9) return null;
  const pvc = f.alert.labels.persistentvolumeclaim;
  return {
    label: "suspected_disk_filling",
    why: [`${Math.round(used.last * 100)}% used (was ${Math.round(used.first * 100)}% at the start of the window)`, eta === null ? "usage is not growing inside the window" : `at this rate the volume is full in about ${eta < 1 ? `${Math.round(eta * 60)} min` : `${eta.toFixed(1)} h`}`],
    steps: [
      promql(`predict_linear((${queries(f.target, f.alert)[0]?.query ?? ""})[6h:5m], 24 * 3600)`),
      ...(pvc && f.target.namespace ? [kubectl`-n ${f.target.namespace} get pvc ${pvc}`, kubectl`-n ${f.target.namespace} get pods -o wide`] : []),
    ],
  };
}

export const volumeFilling: FamilyModule = {
  family: "volume_filling",
  needs: { k8s: "none", logs: false },
  queries,
  enrich: (f) => diagnose(f) ?? unknownEnrichment(f, queries(f.target, f.alert), ["how full the volume is and how fast it grows"]),
  hypotheses(f: Features) {
    const d = diagnose(f);
    return d ? [hypothesis({ id: "disk_filling", category: "disk_full", title: "Volume is filling up", confidence: 85, why: d.why, nextTests: d.steps.map((s) => s.text) })] : [unknownHypothesis(f, "volume usage unknown")];
  },
};
