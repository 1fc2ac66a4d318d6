import { ServiceError } from "@/lib/errors";

/**
 * What a chat may look at. Case chats are held to the case's namespace (or node for node cases) by
 * checking every tool argument in code; the system prompt says the same but is never relied on.
 */
export type ChatScope =
  | { kind: "global" }
  | { kind: "case"; caseId: string; cluster: string; namespace: string | null; node: string | null; pod: string | null; container: string | null };

/** A tool call the scope does not allow: recorded as `refused`, never sent to the outside system. */
export class ScopeRefusal extends Error {}

/** Caps every tool call is held to, whatever the model asks for. */
export const chatCaps = {
  series: 20,
  pointsPerSeries: 240,
  rangeMinutes: 24 * 60,
  minStepSeconds: 15,
  logLines: 200,
  tableRows: 50,
  queryChars: 2_000,
  summaryChars: 4_000,
} as const;

/** The namespace a Kubernetes or logs call may use: the case's own (global chats name one). */
export function scopedNamespace(scope: ChatScope, requested: string | undefined): string {
  if (scope.kind === "global") {
    if (!requested) throw new ScopeRefusal("name the namespace: a chat across cases has no default namespace");
    return requested;
  }
  if (!scope.namespace) throw new ScopeRefusal("this case has no namespace, so namespaced Kubernetes and log calls are out of its scope");
  if (requested && requested !== scope.namespace) {
    throw new ScopeRefusal(`namespace ${requested} is outside this case's scope (namespace ${scope.namespace})`);
  }
  return scope.namespace;
}

export function assertCaseScope(scope: ChatScope): Extract<ChatScope, { kind: "case" }> {
  if (scope.kind !== "case") throw new ServiceError("invalid_input", "this tool needs a case");
  return scope;
}
