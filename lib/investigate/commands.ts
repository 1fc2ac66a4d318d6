import type { MetricQuery } from "./families/types";
import type { Step, Target } from "./report";

/** Quotes a value for a POSIX shell only when it needs it, so common commands stay readable. */
export function sh(value: string): string {
  return /^[A-Za-z0-9_.:/=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

export function promql(query: string): Step {
  return { kind: "promql", text: query };
}

export function kubectl(args: string): Step {
  return { kind: "kubectl", text: `kubectl ${args}` };
}

export function text(value: string): Step {
  return { kind: "text", text: value };
}

export function promqlSteps(queries: MetricQuery[]): Step[] {
  return queries.map((q) => promql(q.query));
}

function ns(target: Target): string {
  return target.namespace ? `-n ${sh(target.namespace)} ` : "";
}

export function podLogs(target: Target, options: { previous: boolean; container?: string | null }): Step | null {
  if (!target.pod) return null;
  const container = options.container ?? target.container;
  return kubectl(
    `${ns(target)}logs ${sh(target.pod)}${container ? ` -c ${sh(container)}` : ""}${options.previous ? " --previous" : ""} --tail=200`,
  );
}

/** kubectl fallbacks that read the same facts the Kubernetes provider would have read. */
export function kubectlSteps(target: Target, options: { previousLogs?: boolean } = {}): Step[] {
  const steps: Step[] = [];
  if (target.pod && target.namespace) {
    steps.push(kubectl(`${ns(target)}describe pod ${sh(target.pod)}`));
    steps.push(podLogs(target, { previous: options.previousLogs ?? true }) as Step);
    steps.push(
      kubectl(`${ns(target)}get events --field-selector involvedObject.name=${sh(target.pod)} --sort-by=.lastTimestamp`),
    );
  }
  if (target.workload && target.namespace) {
    const ref = `${target.workload.kind.toLowerCase()}/${sh(target.workload.name)}`;
    steps.push(kubectl(`${ns(target)}get ${ref} -o wide`));
    if (["Deployment", "StatefulSet", "DaemonSet"].includes(target.workload.kind)) {
      steps.push(kubectl(`${ns(target)}rollout history ${ref}`));
    }
    if (target.workload.kind === "Job") steps.push(kubectl(`${ns(target)}describe job ${sh(target.workload.name)}`));
  } else if (target.pod && target.namespace) {
    steps.push(kubectl(`${ns(target)}get pod ${sh(target.pod)} -o jsonpath='{.metadata.ownerReferences[*].name}'`));
  }
  if (target.node) {
    steps.push(kubectl(`describe node ${sh(target.node)}`));
    steps.push(kubectl(`get pods -A --field-selector spec.nodeName=${sh(target.node)}`));
  }
  if (target.service && target.namespace && !target.pod) {
    steps.push(kubectl(`${ns(target)}get endpoints ${sh(target.service)}`));
    steps.push(kubectl(`${ns(target)}get pods -o wide`));
  } else if (target.namespace && !target.pod && !target.workload) {
    steps.push(kubectl(`${ns(target)}get pods -o wide`));
    steps.push(kubectl(`${ns(target)}get events --sort-by=.lastTimestamp`));
  }
  return steps;
}
