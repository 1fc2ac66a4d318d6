import type { Target } from "./report";

function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** `{k="v",…}` from the pairs that have a value, in the order given. */
export function selector(pairs: Record<string, string | null | undefined>): string {
  const parts = Object.entries(pairs)
    .filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "")
    .map(([k, v]) => `${k}=${quote(v)}`);
  return `{${parts.join(",")}}`;
}

/** Matches a whole workload's pods when only the workload name is known (Deployment pods are `<name>-<rs>-<id>`). */
export function podSelector(target: Target, options: { container?: boolean } = {}): string {
  const pairs: Record<string, string | null> = { namespace: target.namespace };
  const container = options.container === false ? null : target.container;
  if (target.pod) return selector({ ...pairs, pod: target.pod, container });
  const base = selector({ ...pairs, container });
  if (target.workload) return withMatcher(base, regexMatcher("pod", `${escapeRegex(target.workload.name)}-.*`));
  return base;
}

/** A label value as a literal inside a PromQL (RE2) regular expression. */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `label=~"pattern"`, the pattern quoted as a PromQL string; literal parts must go through `escapeRegex`. */
export function regexMatcher(label: string, pattern: string): string {
  return `${label}=~${quote(pattern)}`;
}

/** Adds one raw matcher (such as `container!=""`) to a `{…}` selector. */
export function withMatcher(sel: string, matcher: string): string {
  return sel === "{}" ? `{${matcher}}` : `${sel.slice(0, -1)},${matcher}}`;
}
