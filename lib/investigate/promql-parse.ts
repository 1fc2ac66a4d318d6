import type { SyntaxNode } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";

export type PromqlMatcher = { label: string; op: string; value: string };
export type PromqlSelector = { text: string; metric: string | null; matchers: PromqlMatcher[] };
export type ParsedPromql = { ok: true; selectors: PromqlSelector[] } | { ok: false; at: number };

const utf8 = new TextEncoder();
const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, "'": 39, '"': 34 };

/**
 * A PromQL string literal's value, with Go's escapes (`\t`, `\x41`, `\101`, `\u00e9`, `\U0001F600`) as
 * Prometheus reads them; raw control characters stay as they are. Never throws: an escape Prometheus
 * would refuse keeps its text, so a hostile literal is compared as written, never trusted.
 */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal[0] === "`") return body;
  const bytes: number[] = [];
  const text = (t: string) => bytes.push(...utf8.encode(t));
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== "\\" || i + 1 >= body.length) {
      const cp = body.codePointAt(i)!;
      text(String.fromCodePoint(cp));
      if (cp > 0xffff) i++;
      continue;
    }
    const e = body[i + 1];
    const hexDigits = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (e in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[e]);
      i++;
    } else if (hexDigits && /^[0-9a-fA-F]+$/.test(body.slice(i + 2, i + 2 + hexDigits)) && body.length >= i + 2 + hexDigits) {
      const n = Number.parseInt(body.slice(i + 2, i + 2 + hexDigits), 16);
      if (e === "x") bytes.push(n);
      else text(n <= 0x10ffff && (n < 0xd800 || n > 0xdfff) ? String.fromCodePoint(n) : "\ufffd");
      i += 1 + hexDigits;
    } else if (/^[0-3][0-7]{2}$/.test(body.slice(i + 1, i + 4))) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      text("\\");
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
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
