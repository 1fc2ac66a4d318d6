import { parsePromql, type PromqlMatcher } from "@/lib/investigate/promql-parse";
import { chatCaps, ScopeRefusal, type ChatScope } from "./scope";

function isScoped(matchers: PromqlMatcher[], scope: Extract<ChatScope, { kind: "case" }>): boolean {
  const exact = matchers.filter((m) => m.op === "=");
  if (scope.namespace) return exact.some((m) => m.label === "namespace" && m.value === scope.namespace);
  if (scope.node) {
    return exact.some(
      (m) => (m.label === "node" && m.value === scope.node) || (m.label === "instance" && (m.value === scope.node || m.value.startsWith(`${scope.node}:`))),
    );
  }
  return false;
}

/**
 * Refuse a PromQL query that does not parse, or (in a case chat) has a vector selector without the
 * case's exact namespace matcher (`namespace="<ns>"`), or `node="<node>"` for node cases. All matchers
 * of a selector must hold, so one exact matcher confines the data whatever else the selector says.
 */
export function checkPromqlScope(query: string, scope: ChatScope): void {
  if (query.length > chatCaps.queryChars) throw new ScopeRefusal(`query longer than ${chatCaps.queryChars} characters`);
  const parsed = parsePromql(query);
  if (!parsed.ok) throw new ScopeRefusal(`PromQL does not parse (near character ${parsed.at + 1})`);
  if (parsed.selectors.length === 0) throw new ScopeRefusal("the query selects no series");
  if (scope.kind === "global") return;
  const need = scope.namespace ? `namespace="${scope.namespace}"` : scope.node ? `node="${scope.node}"` : null;
  if (!need) throw new ScopeRefusal("this case has neither a namespace nor a node, so metric queries are out of its scope");
  for (const s of parsed.selectors) {
    if (!isScoped(s.matchers, scope)) {
      throw new ScopeRefusal(`every series selector must carry ${need}; ${s.text} does not`);
    }
  }
}
