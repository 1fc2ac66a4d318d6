import type jsonata from "jsonata";

/**
 * Most generic-source mappings are plain: a field name (`id`), a literal (`'firing'`), or an object
 * of those (`{ 'pod': pod }`). jsonata evaluates even these through its async interpreter, about
 * 65 µs an alert, most of what a signed request cost beyond /alerts. A plain expression is read
 * straight off the item here instead; anything else, and any value jsonata would treat specially
 * (arrays, inherited keys), is left to jsonata. A property test holds this equal to jsonata.
 */

export const NOT_PLAIN = Symbol("not plain");

type Plain = (item: Record<string, unknown>) => unknown;
type AstNode = { type: string; value?: unknown; steps?: AstNode[]; lhs?: [AstNode, AstNode][] } & Record<string, unknown>;

function only(node: AstNode, keys: string[]): boolean {
  return Object.keys(node).every((k) => keys.includes(k));
}

/** `lists`: a field holding an array of non-arrays is read as that array (what selecting a payload's alerts needs). */
function compileNode(node: AstNode, lists = false): Plain | null {
  if ((node.type === "string" || node.type === "number" || node.type === "value") && only(node, ["type", "value", "position"])) {
    const value = node.value;
    return () => value;
  }
  if (node.type === "path" && only(node, ["type", "steps"]) && node.steps?.length === 1) {
    const step = node.steps[0];
    if (step.type !== "name" || typeof step.value !== "string" || !only(step, ["type", "value", "position"])) return null;
    const name = step.value;
    return (item) => {
      if (!Object.hasOwn(item, name)) return name in item ? NOT_PLAIN : undefined;
      const value = item[name];
      if (!Array.isArray(value)) return value;
      return lists && !value.some(Array.isArray) ? value : NOT_PLAIN;
    };
  }
  if (node.type === "unary" && node.value === "{" && only(node, ["type", "value", "position", "lhs"]) && Array.isArray(node.lhs)) {
    const entries: [string, Plain][] = [];
    for (const [key, value] of node.lhs) {
      if (key.type !== "string" || typeof key.value !== "string" || entries.some(([k]) => k === key.value)) return null;
      const compiled = compileNode(value);
      if (!compiled) return null;
      entries.push([key.value, compiled]);
    }
    return (item) => {
      const out: Record<string, unknown> = {};
      for (const [key, compiled] of entries) {
        const value = compiled(item);
        if (value === NOT_PLAIN) return NOT_PLAIN;
        if (value !== undefined) out[key] = value;
      }
      return out;
    };
  }
  return null;
}

/**
 * The expression as a plain function of an item (a non-array object), or null when it is not plain.
 * The function answers NOT_PLAIN for an item it cannot read exactly as jsonata would.
 */
export function compilePlain(expression: jsonata.Expression, options: { lists?: boolean } = {}): ((item: Record<string, unknown>) => unknown) | null {
  return compileNode(expression.ast() as unknown as AstNode, options.lists);
}
