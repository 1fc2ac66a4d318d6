import type { SyntaxNode } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";

export type PromqlMatcher = { label: string; op: string; value: string };
export type PromqlSelector = { text: string; metric: string | null; matchers: PromqlMatcher[] };
export type ParsedPromql = { ok: true; selectors: PromqlSelector[] } | { ok: false; at: number };

/** A PromQL string literal's value ("…" and '…' with Go escapes, `…` raw). */
function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === "`") return body;
  if (quote === "'") return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
  return JSON.parse(literal) as string;
}

function matchersOf(selector: SyntaxNode, text: string): PromqlMatcher[] {
  const out: PromqlMatcher[] = [];
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

/**
 * Parse PromQL with the Prometheus UI's grammar (`@prometheus-io/lezer-promql`): the position of the
 * first syntax error, or every vector selector with its metric name and label matchers (a quoted
 * metric name inside the braces, `{"up"}`, is a `__name__` matcher).
 */
export function parsePromql(query: string): ParsedPromql {
  const tree = parser.parse(query);
  let error: number | null = null;
  const nodes: SyntaxNode[] = [];
  tree.iterate({
    enter(n) {
      if (n.type.isError && error === null) error = n.from;
      if (n.name === "VectorSelector") nodes.push(n.node);
    },
  });
  if (error !== null) return { ok: false, at: error };
  return {
    ok: true,
    selectors: nodes.map((s) => {
      const name = s.getChild("Identifier");
      return { text: query.slice(s.from, s.to), metric: name ? query.slice(name.from, name.to) : null, matchers: matchersOf(s, query) };
    }),
  };
}
