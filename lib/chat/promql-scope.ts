import { parser } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";
import { chatCaps, ScopeRefusal, type ChatScope } from "./scope";

type Matcher = { label: string; op: string; value: string };

/** A PromQL string literal's value ("…" and '…' with Go escapes, `…` raw). */
function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === "`") return body;
  if (quote === "'") return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
  return JSON.parse(literal) as string;
}

function matchersOf(selector: SyntaxNode, text: string): Matcher[] {
  const out: Matcher[] = [];
  const list = selector.getChild("LabelMatchers");
  if (!list) return out;
  for (let m = list.firstChild; m; m = m.nextSibling) {
    if (m.name !== "UnquotedLabelMatcher" && m.name !== "QuotedLabelMatcher") continue;
    const nameNode = m.getChild("LabelName") ?? m.getChild("QuotedLabelName");
    const op = m.getChild("MatchOp");
    const values = m.getChildren("StringLiteral");
    const valueNode = values[values.length - 1];
    if (!nameNode || !op || !valueNode) continue;
    const rawName = text.slice(nameNode.from, nameNode.to);
    out.push({
      label: nameNode.name === "QuotedLabelName" ? unquote(rawName) : rawName,
      op: text.slice(op.from, op.to),
      value: unquote(text.slice(valueNode.from, valueNode.to)),
    });
  }
  return out;
}

function isScoped(matchers: Matcher[], scope: Extract<ChatScope, { kind: "case" }>): boolean {
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
  const tree = parser.parse(query);
  let error: number | null = null;
  const selectors: SyntaxNode[] = [];
  tree.iterate({
    enter(n) {
      if (n.type.isError && error === null) error = n.from;
      if (n.name === "VectorSelector") selectors.push(n.node);
    },
  });
  if (error !== null) throw new ScopeRefusal(`PromQL does not parse (near character ${error + 1})`);
  if (selectors.length === 0) throw new ScopeRefusal("the query selects no series");
  if (scope.kind === "global") return;
  const need = scope.namespace ? `namespace="${scope.namespace}"` : scope.node ? `node="${scope.node}"` : null;
  if (!need) throw new ScopeRefusal("this case has neither a namespace nor a node, so metric queries are out of its scope");
  for (const s of selectors) {
    if (!isScoped(matchersOf(s, query), scope)) {
      throw new ScopeRefusal(`every series selector must carry ${need}; ${query.slice(s.from, s.to)} does not`);
    }
  }
}
