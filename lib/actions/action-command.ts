import { z } from "zod";
import type { ActionKind, ActionRisk } from "@/lib/db/schema/constants";
import { shellQuote } from "@/lib/investigate/commands";
import { alertmanagerMatcher } from "@/lib/investigate/providers/alertmanager";
import { isDns1123Label, isDns1123Subdomain } from "@/lib/investigate/kubernetes-names";

/** Kubernetes object names (DNS-1123 subdomain); anything else is refused before a command is built. */
export const objectNameSchema = z.string().max(253).refine(isDns1123Subdomain, { message: "not a Kubernetes name (DNS-1123)" });
export const namespaceSchema = z.string().max(63).refine(isDns1123Label, { message: "not a Kubernetes namespace (DNS-1123 label)" });
const containerSchema = namespaceSchema;
const quantitySchema = z.string().max(32).regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, { message: "not a Kubernetes quantity such as 512Mi or 500m" });

const rolloutWorkload = z.object({ kind: z.enum(["Deployment", "StatefulSet", "DaemonSet"]), name: objectNameSchema });
const scalableWorkload = z.object({ kind: z.enum(["Deployment", "StatefulSet"]), name: objectNameSchema });

export const actionSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rollout_restart"), namespace: namespaceSchema, workload: rolloutWorkload }),
  z.object({
    kind: z.literal("rollback"),
    namespace: namespaceSchema,
    workload: rolloutWorkload,
    toRevision: z.number().int().positive().optional(),
  }),
  z.object({ kind: z.literal("scale"), namespace: namespaceSchema, workload: scalableWorkload, replicas: z.number().int().min(0).max(1000) }),
  z.object({
    kind: z.literal("raise_limit"),
    namespace: namespaceSchema,
    workload: rolloutWorkload,
    container: containerSchema,
    resource: z.enum(["memory", "cpu"]),
    value: quantitySchema,
  }),
  z.object({ kind: z.literal("delete_pod"), namespace: namespaceSchema, pod: objectNameSchema, force: z.boolean().default(false) }),
  z.object({
    kind: z.literal("silence"),
    matchers: z
      .array(z.object({ name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { message: "not a label name" }), value: z.string().min(1).max(1024) }))
      .min(1)
      .max(20)
      .refine((m) => m.some((x) => x.name === "alertname"), { message: "a silence must match the alertname" }),
    durationMinutes: z.number().int().min(5).max(7 * 24 * 60),
    comment: z.string().trim().min(1).max(500),
  }),
]);
export type ActionSpec = z.infer<typeof actionSpecSchema>;

/** A command line from an argument list; the arguments are never concatenated unquoted. */
export function shellCommand(args: string[]): string {
  return args.map(shellQuote).join(" ");
}

function workloadRef(w: { kind: string; name: string }): string {
  return `${w.kind.toLowerCase()}/${w.name}`;
}

function formatDuration(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

/** The exact command a human runs (for a silence: what Tarka does through the API, as amtool). */
export function actionCommand(spec: ActionSpec): string {
  switch (spec.kind) {
    case "rollout_restart":
      return shellCommand(["kubectl", "-n", spec.namespace, "rollout", "restart", workloadRef(spec.workload)]);
    case "rollback":
      return shellCommand([
        "kubectl", "-n", spec.namespace, "rollout", "undo", workloadRef(spec.workload),
        ...(spec.toRevision ? [`--to-revision=${spec.toRevision}`] : []),
      ]);
    case "scale":
      return shellCommand(["kubectl", "-n", spec.namespace, "scale", workloadRef(spec.workload), `--replicas=${spec.replicas}`]);
    case "raise_limit":
      return shellCommand([
        "kubectl", "-n", spec.namespace, "set", "resources", workloadRef(spec.workload),
        "-c", spec.container, `--limits=${spec.resource}=${spec.value}`,
      ]);
    case "delete_pod":
      return shellCommand(["kubectl", "-n", spec.namespace, "delete", "pod", spec.pod, ...(spec.force ? ["--grace-period=0", "--force"] : [])]);
    case "silence":
      return shellCommand([
        "amtool", "silence", "add", `--duration=${formatDuration(spec.durationMinutes)}`, `--comment=${spec.comment}`,
        ...spec.matchers.map((m) => alertmanagerMatcher(m.name, m.value)),
      ]);
  }
}

export function actionTitle(spec: ActionSpec): string {
  switch (spec.kind) {
    case "rollout_restart":
      return `Restart ${workloadRef(spec.workload)} in ${spec.namespace}`;
    case "rollback":
      return `Roll back ${workloadRef(spec.workload)} in ${spec.namespace}${spec.toRevision ? ` to revision ${spec.toRevision}` : " to the previous revision"}`;
    case "scale":
      return `Scale ${workloadRef(spec.workload)} in ${spec.namespace} to ${spec.replicas} replicas`;
    case "raise_limit":
      return `Raise the ${spec.resource} limit of ${spec.container} in ${workloadRef(spec.workload)} (${spec.namespace}) to ${spec.value}`;
    case "delete_pod":
      return `${spec.force ? "Force-delete" : "Delete"} pod ${spec.namespace}/${spec.pod}`;
    case "silence":
      return `Silence ${spec.matchers.map((m) => `${m.name}=${m.value}`).join(", ").slice(0, 160)} for ${formatDuration(spec.durationMinutes)}`;
  }
}

export function defaultRisk(spec: ActionSpec): ActionRisk {
  switch (spec.kind) {
    case "silence":
      return "low";
    case "delete_pod":
      return spec.force ? "high" : "low";
    case "scale":
      return spec.replicas === 0 ? "high" : "medium";
    case "rollback":
      return "high";
    default:
      return "medium";
  }
}

const basePreconditions: Record<ActionKind, string[]> = {
  rollout_restart: ["the workload has more than one ready replica, or a short outage is acceptable", "no rollout is in progress"],
  rollback: ["the previous revision is known to be good", "the new revision made no data or schema change the old one cannot read"],
  scale: ["the cluster has room for the extra pods (requests fit on the nodes)", "no HorizontalPodAutoscaler owns the replica count"],
  raise_limit: ["the node has allocatable room for the higher limit", "a rollout (pods restart) is acceptable now"],
  delete_pod: ["the pod is owned by a controller that will replace it"],
  silence: ["the cause is known or someone is working on it", "the expiry is short enough that a real recurrence still pages"],
};

export function defaultPreconditions(spec: ActionSpec): string[] {
  const extra = spec.kind === "delete_pod" && spec.force ? ["the node is gone or the kubelet no longer answers for this pod"] : [];
  return [...basePreconditions[spec.kind], ...extra];
}
