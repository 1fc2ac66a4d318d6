import { z } from "zod";
import { ServiceError } from "@/lib/errors";
import type { KubernetesProvider, PodFacts } from "@/lib/investigate/providers/types";
import { chatCaps, scopedNamespace } from "../scope";
import { defineTool, type ToolContext } from "./chat-tool";

const k8sName = z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: "expected a Kubernetes object name" });
const namespaceArg = k8sName.max(63).optional().describe("Defaults to the case's namespace; any other namespace is refused in a case chat.");

/** The namespace the call may use and the Kubernetes provider; refused or unavailable otherwise. */
export function kubernetesIn(ctx: ToolContext, requested: string | undefined): { namespace: string; kubernetes: KubernetesProvider } {
  const namespace = scopedNamespace(ctx.scope, requested);
  if (!ctx.providers.kubernetes) throw new ServiceError("unavailable", "Kubernetes access is not configured on this Tarka");
  return { namespace, kubernetes: ctx.providers.kubernetes };
}

function podRow(p: PodFacts): string[] {
  const restarts = p.containers.reduce((n, c) => n + c.restartCount, 0);
  const ready = `${p.containers.filter((c) => c.ready).length}/${p.containers.length}`;
  const reason = p.containers.map((c) => c.waitingReason ?? c.lastTerminatedReason).find(Boolean) ?? p.reason ?? "";
  return [p.name, p.phase, ready, String(restarts), reason, p.nodeName ?? ""];
}

export const getPodTool = defineTool({
  name: "get_pod",
  description: "Read one pod: phase, conditions, containers (state, restarts, last termination, requests/limits), owner, node.",
  input: z.object({ name: k8sName, namespace: namespaceArg }),
  scopes: ["case", "global"],
  async run(ctx, input) {
    const { namespace, kubernetes } = kubernetesIn(ctx, input.namespace);
    const pod = await kubernetes.getPod(namespace, input.name);
    if (!pod) return { outcome: "empty", summary: `pod ${namespace}/${input.name} not found`, view: null };
    const containers = pod.containers.map(
      (c) =>
        `container ${c.name} (${c.image}): ${c.state}${c.waitingReason ? ` ${c.waitingReason}` : ""}, ready ${c.ready}, restarts ${c.restartCount}` +
        (c.lastTerminatedReason ? `, last terminated ${c.lastTerminatedReason} exit ${c.lastTerminatedExitCode ?? "?"} at ${c.lastTerminatedAt ?? "?"}` : "") +
        `, requests ${JSON.stringify(c.requests)}, limits ${JSON.stringify(c.limits)}`,
    );
    const conditions = pod.conditions.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}`).join(", ");
    return {
      outcome: "ok",
      summary: [`pod ${namespace}/${pod.name}: phase ${pod.phase}, node ${pod.nodeName ?? "?"}, owner ${pod.owner ? `${pod.owner.kind}/${pod.owner.name}` : "none"}`, `conditions: ${conditions}`, ...containers].join("\n"),
      view: { kind: "table", columns: ["pod", "phase", "ready", "restarts", "reason", "node"], rows: [podRow(pod)] },
    };
  },
});

export const listPodsTool = defineTool({
  name: "list_pods",
  description: "List pods in the namespace, optionally by label selector (e.g. app=checkout).",
  input: z.object({ labelSelector: z.string().max(200).default(""), namespace: namespaceArg }),
  scopes: ["case", "global"],
  async run(ctx, input) {
    const { namespace, kubernetes } = kubernetesIn(ctx, input.namespace);
    const pods = await kubernetes.listPods(namespace, input.labelSelector);
    if (pods.length === 0) return { outcome: "empty", summary: `no pods in ${namespace}${input.labelSelector ? ` matching ${input.labelSelector}` : ""}`, view: null };
    const rows = pods.slice(0, chatCaps.tableRows).map(podRow);
    return {
      outcome: "ok",
      summary: `${pods.length} pods in ${namespace}:\n${rows.map((r) => `${r[0]} ${r[1]} ready ${r[2]} restarts ${r[3]} ${r[4]}`).join("\n")}`,
      view: { kind: "table", columns: ["pod", "phase", "ready", "restarts", "reason", "node"], rows },
    };
  },
});

export const getEventsTool = defineTool({
  name: "get_events",
  description: "Kubernetes events about one object (pod, deployment…) in the namespace.",
  input: z.object({ name: k8sName, namespace: namespaceArg }),
  scopes: ["case", "global"],
  async run(ctx, input) {
    const { namespace, kubernetes } = kubernetesIn(ctx, input.namespace);
    const events = await kubernetes.listEvents(namespace, input.name);
    if (events.length === 0) return { outcome: "empty", summary: `no events for ${namespace}/${input.name}`, view: null };
    const rows = events.slice(0, chatCaps.tableRows).map((e) => [e.lastTimestamp ?? "", e.type, e.reason, String(e.count), e.message]);
    return {
      outcome: "ok",
      summary: rows.map((r) => `${r[0]} ${r[1]} ${r[2]} x${r[3]}: ${r[4]}`).join("\n"),
      view: { kind: "table", columns: ["last seen", "type", "reason", "count", "message"], rows },
    };
  },
});

export const getWorkloadTool = defineTool({
  name: "get_workload",
  description: "A Deployment/StatefulSet/DaemonSet/Job: replicas, conditions, images and rollout history (revisions with their images and times).",
  input: z.object({ kind: z.enum(["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"]), name: k8sName, namespace: namespaceArg }),
  scopes: ["case", "global"],
  async run(ctx, input) {
    const { namespace, kubernetes } = kubernetesIn(ctx, input.namespace);
    const w = await kubernetes.getWorkload(namespace, input.kind, input.name);
    if (!w) return { outcome: "empty", summary: `${input.kind} ${namespace}/${input.name} not found`, view: null };
    const rows = w.revisions.map((r) => [r.revision, r.createdAt, r.images.join(", ")]);
    return {
      outcome: "ok",
      summary: [
        `${w.kind} ${namespace}/${w.name}: desired ${w.desired}, ready ${w.ready}, updated ${w.updated}, available ${w.available}; images ${w.images.join(", ")}`,
        `conditions: ${w.conditions.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}`).join(", ")}`,
        rows.length ? `rollout history:\n${rows.map((r) => `revision ${r[0]} at ${r[1]}: ${r[2]}`).join("\n")}` : "no rollout history",
      ].join("\n"),
      view: rows.length ? { kind: "table", columns: ["revision", "created", "images"], rows } : null,
    };
  },
});
