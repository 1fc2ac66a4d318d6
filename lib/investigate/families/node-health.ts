import { kubectl, promql } from "../commands";
import type { Features } from "../features";
import { selector } from "../promql";
import type { Target } from "../report";
import { hypothesis, unknownEnrichment, unknownHypothesis } from "./shared";
import type { EnrichmentDraft, FamilyModule, MetricQuery } from "./types";

function queries(t: Target): MetricQuery[] {
  if (!t.node) return [];
  return [{ id: "node_not_ready", title: "Node Ready condition false", unit: "bool", query: `max(kube_node_status_condition${selector({ node: t.node, condition: "Ready", status: "false" })})` }];
}

function diagnose(f: Features): EnrichmentDraft | null {
  const n = f.evidence.k8s.node;
  if (!n) return null;
  const steps = [kubectl`describe node ${n.name}`, kubectl`get pods -A --field-selector spec.nodeName=${n.name} -o wide`];
  const conds = n.conditions.filter((c) => c.status === (c.type === "Ready" ? "False" : "True") || (c.type === "Ready" && c.status === "Unknown"));
  const why = conds.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}${c.message ? `: ${c.message}` : ""}`);
  if (f.nodeConditions.includes("MemoryPressure")) return { label: "suspected_node_memory_pressure", why, steps: [...steps, promql(`node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes`)] };
  if (f.nodeConditions.includes("DiskPressure")) return { label: "suspected_node_disk_pressure", why, steps: [...steps, promql(`node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}`)] };
  if (f.nodeReady === false) return { label: "suspected_node_not_ready", why, steps };
  return null;
}

const categories = { suspected_node_memory_pressure: "node_pressure", suspected_node_disk_pressure: "disk_full", suspected_node_not_ready: "node_pressure" } as const;

export const nodeHealth: FamilyModule = {
  family: "node_health",
  needs: { k8s: "node", logs: false },
  queries,
  enrich: (f) => diagnose(f) ?? unknownEnrichment(f, queries(f.target), [f.evidence.k8s.node ? `node ${f.evidence.k8s.node.name} reports no failing condition now` : "the node's conditions (Ready, MemoryPressure, DiskPressure)"]),
  hypotheses(f: Features) {
    const d = diagnose(f);
    if (!d) return [unknownHypothesis(f, "node conditions unknown")];
    return [hypothesis({ id: d.label, category: categories[d.label as keyof typeof categories], title: d.label.replace(/^suspected_/, "").replace(/_/g, " "), confidence: 80, why: d.why, nextTests: d.steps.map((s) => s.text) })];
  },
};
