import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";
import { parse } from "yaml";
import { scrapeLabels, type ScraperJob } from "./scrape-labels";

export { scrapeLabels, type ScraperJob };

/**
 * The alert rules of kube-prometheus (../shared/reference/kube-prometheus/rules/) and the label names
 * each alert carries, worked out from its PromQL the way Prometheus computes result labels
 * (aggregation `by`/`without`, one-to-one `on`/`ignoring`, `group_left`, set operators), from what
 * each exporter puts on its series and what prometheus-operator adds as scrape-target labels.
 */
/**
 * The rendered PrometheusRule manifests of prometheus-operator/kube-prometheus (commit 4d719f1d,
 * Aug 2026; Apache-2.0, LICENSE beside them): 139 alerting rules. Read from the shared reference
 * beside the repository (CI clones the repo next to it), never from a copy that could drift.
 */
export const rulesDir = path.resolve(import.meta.dirname, "../../../shared/reference/kube-prometheus/rules");

type RuleFile = { spec: { groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string; labels?: Record<string, string> }> }> } };

export type AlertRule = {
  alert: string;
  file: string;
  expr: string;
  labels: Record<string, string>;
  /** Label names of the alerts this rule sends (besides alertname and its static labels). */
  labelNames: Set<string>;
  /** The scraper job of the leftmost series selector, when it is one. */
  scraperJob: ScraperJob | null;
  /** Labels the exporter itself puts on the series the rule reads (honoured over scrape-target labels). */
  ownLabels: Set<string>;
};

/** Labels each exporter puts on its own series, by metric name prefix (first match wins). */
const ownLabelsByPrefix: Array<[string, string[]]> = [
  ["kube_pod_container_", ["namespace", "pod", "container", "uid"]],
  ["kube_pod_", ["namespace", "pod", "uid"]],
  ["kube_deployment_", ["namespace", "deployment"]],
  ["kube_statefulset_", ["namespace", "statefulset"]],
  ["kube_daemonset_", ["namespace", "daemonset"]],
  ["kube_job_", ["namespace", "job_name"]],
  ["kube_horizontalpodautoscaler_", ["namespace", "horizontalpodautoscaler"]],
  ["kube_poddisruptionbudget_", ["namespace", "poddisruptionbudget"]],
  ["kube_persistentvolumeclaim_", ["namespace", "persistentvolumeclaim"]],
  ["kube_persistentvolume_", ["persistentvolume"]],
  ["kube_node_", ["node"]],
  ["kube_resourcequota", ["namespace", "resourcequota", "resource", "type"]],
  ["kubelet_volume_stats_", ["namespace", "persistentvolumeclaim"]],
  ["kubelet_node_name", ["node"]],
  ["container_", ["namespace", "pod", "container", "id", "image", "name"]],
  ["node_filesystem_", ["device", "fstype", "mountpoint"]],
  ["node_network_", ["device"]],
  ["node_md_", ["device"]],
  ["node_disk_", ["device"]],
  ["node_bonding_", ["master"]],
  ["node_cpu_", ["cpu", "mode"]],
  ["node_systemd_", ["name"]],
];

function jobOfMetric(metric: string): ScraperJob | null {
  if (metric.startsWith("kube_")) return "kube-state-metrics";
  if (metric.startsWith("kubelet_") || metric.startsWith("container_")) return "kubelet";
  if (metric.startsWith("node_") && !metric.includes(":")) return "node-exporter";
  return null;
}

type Analysis = { labels: Set<string> | null; selectors: Array<{ metric: string; job: string | null; own: string[] }> };

const scalar = (): Analysis => ({ labels: null, selectors: [] });

export function loadAlertRules(): AlertRule[] {
  const dir = rulesDir;
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  const docs = files.map((f) => ({ file: f, doc: parse(readFileSync(path.join(dir, f), "utf8")) as RuleFile }));
  const records = new Map<string, { expr: string; labels: Record<string, string> }>();
  for (const { doc } of docs) for (const g of doc.spec.groups) for (const r of g.rules) if (r.record && !records.has(r.record)) records.set(r.record, { expr: r.expr, labels: r.labels ?? {} });

  function analyse(expr: string): Analysis {
    const tree = parser.parse(expr);
    return walk(tree.topNode, expr);
  }

  function children(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }

  function names(node: SyntaxNode | undefined, src: string): string[] {
    return node ? children(node).filter((c) => c.name === "LabelName").map((c) => src.slice(c.from, c.to)) : [];
  }

  function merge(...parts: Analysis[]): Analysis["selectors"] {
    return parts.flatMap((p) => p.selectors);
  }

  function walk(node: SyntaxNode, src: string): Analysis {
    const kids = children(node).filter((c) => c.name !== "LineComment");
    switch (node.name) {
      case "PromQL":
      case "ParenExpr":
      case "MatrixSelector":
      case "SubqueryExpr":
      case "OffsetExpr":
      case "StepInvariantExpr":
        return walk(kids.find((k) => !["DurationExpr", "NumberDurationLiteralInDurationContext", "Offset"].includes(k.name)) as SyntaxNode, src);
      case "UnaryExpr":
        return walk(kids[kids.length - 1], src);
      case "NumberDurationLiteral":
      case "StringLiteral":
        return scalar();
      case "VectorSelector": {
        const metric = src.slice(kids[0].from, kids[0].to);
        const matchers = kids.find((k) => k.name === "LabelMatchers");
        const equal: Record<string, string> = {};
        for (const m of matchers ? children(matchers) : []) {
          const [name, op, value] = children(m);
          if (op && src.slice(op.from, op.to) === "=") equal[src.slice(name.from, name.to)] = JSON.parse(src.slice(value.from, value.to).replace(/^`|`$/g, '"'));
        }
        const recorded = records.get(metric);
        if (recorded) {
          const inner = analyse(recorded.expr);
          return { labels: new Set([...(inner.labels ?? []), ...Object.keys(recorded.labels)]), selectors: inner.selectors };
        }
        const job = equal.job ?? jobOfMetric(metric);
        const own = ownLabelsByPrefix.find(([prefix]) => metric.startsWith(prefix))?.[1] ?? [];
        const scrape = job && job in scrapeLabels ? Object.keys(scrapeLabels[job as ScraperJob]) : ["job", "namespace", "pod", "container", "service", "endpoint", "instance"];
        const labels = new Set([...own, ...scrape, ...Object.keys(equal), "cluster"]);
        return { labels, selectors: [{ metric, job, own: [...own, ...Object.keys(equal).filter((k) => k !== "job" && k !== "metrics_path")] }] };
      }
      case "FunctionCall": {
        const fn = src.slice(kids[0].from, kids[0].to);
        const args = children(kids[1]).map((a) => walk(a, src));
        if (fn === "time" || fn === "vector" || fn === "scalar") return { labels: null, selectors: merge(...args) };
        if (fn === "absent" || fn === "absent_over_time") {
          const sel = args[0].selectors[0];
          return { labels: new Set(sel?.job ? ["job"] : []), selectors: [] };
        }
        const vector = args.find((a) => a.labels !== null) ?? scalar();
        const labels = new Set(vector.labels ?? []);
        if (fn === "histogram_quantile") labels.delete("le");
        if (fn === "label_replace") {
          const dst = children(kids[1])[1];
          labels.add(JSON.parse(src.slice(dst.from, dst.to)));
        }
        return { labels, selectors: merge(...args) };
      }
      case "AggregateExpr": {
        const op = src.slice(kids[0].from, kids[0].to);
        const modifier = kids.find((k) => k.name === "AggregateModifier");
        const body = children(kids.find((k) => k.name === "FunctionCallBody") as SyntaxNode).map((a) => walk(a, src));
        const inner = body.find((a) => a.labels !== null) ?? scalar();
        const innerLabels = inner.labels ?? new Set<string>();
        const keepsSeries = op === "topk" || op === "bottomk" || op === "limitk";
        let labels: Set<string>;
        if (keepsSeries) labels = new Set(innerLabels);
        else if (!modifier) labels = new Set();
        else {
          const kind = children(modifier)[0].name;
          const listed = names(children(modifier).find((c) => c.name === "GroupingLabels"), src);
          labels = kind === "By" ? new Set(listed) : new Set([...innerLabels].filter((l) => !listed.includes(l)));
        }
        if (op === "count_values") {
          const param = children(kids.find((k) => k.name === "FunctionCallBody") as SyntaxNode)[0];
          labels.add(JSON.parse(src.slice(param.from, param.to)));
        }
        return { labels, selectors: merge(...body) };
      }
      case "BinaryExpr": {
        const left = walk(kids[0], src);
        const right = walk(kids[kids.length - 1], src);
        const op = kids[1].name;
        const selectors = merge(left, right);
        if (left.labels === null) return { labels: right.labels, selectors };
        if (right.labels === null || ["And", "Or", "Unless"].includes(op)) return { labels: left.labels, selectors };
        const clause = kids.find((k) => k.name === "MatchingModifierClause");
        const parts = clause ? children(clause) : [];
        const on = parts.find((p) => p.name === "On" || p.name === "Ignoring");
        const matching = names(parts.find((p) => p.name === "GroupingLabels"), src);
        const groupIdx = parts.findIndex((p) => p.name === "GroupLeft" || p.name === "GroupRight");
        if (groupIdx >= 0) {
          const include = names(parts[groupIdx + 1], src);
          const many = parts[groupIdx].name === "GroupLeft" ? left.labels : right.labels;
          return { labels: new Set([...many, ...include]), selectors };
        }
        if (!on) return { labels: left.labels, selectors };
        const labels = on.name === "On" ? new Set(matching) : new Set([...left.labels].filter((l) => !matching.includes(l)));
        return { labels, selectors };
      }
      default:
        throw new Error(`unhandled PromQL node ${node.name} in ${src}`);
    }
  }

  const rules: AlertRule[] = [];
  for (const { file, doc } of docs) {
    for (const g of doc.spec.groups) {
      for (const r of g.rules) {
        if (!r.alert) continue;
        const a = analyse(r.expr);
        const first = a.selectors[0];
        const job = first?.job && first.job in scrapeLabels ? (first.job as ScraperJob) : null;
        rules.push({
          alert: r.alert,
          file,
          expr: r.expr,
          labels: r.labels ?? {},
          labelNames: a.labels ?? new Set(),
          scraperJob: job,
          ownLabels: new Set(a.selectors.flatMap((s) => s.own)),
        });
      }
    }
  }
  return rules;
}
