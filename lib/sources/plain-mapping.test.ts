import fc from "fast-check";
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { NOT_PLAIN, compilePlain } from "./plain-mapping";

const names = ["id", "pod", "since", "tags", "constructor", "toString", "weird name", "a"];

/** A plain expression, as text, over the names above. */
const plainText: fc.Arbitrary<string> = fc.letrec<{ expr: string; object: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...names).map((n) => (/^[a-z]+$/i.test(n) ? n : `\`${n}\``)),
    fc.string({ maxLength: 8 }).map((s) => `'${s.replace(/['\\]/g, "")}'`),
    fc.integer({ min: -1000, max: 1000 }).map(String),
    fc.constantFrom("true", "false", "null"),
    tie("object"),
  ),
  object: fc
    .uniqueArray(fc.tuple(fc.constantFrom("namespace", "pod", "severity", "x y"), tie("expr")), { maxLength: 4, selector: ([k]) => k })
    .map((entries) => `{ ${entries.map(([k, v]) => `'${k}': ${v}`).join(", ")} }`),
})).expr;

/** An item whose fields are drawn from the same names, holding any JSON (arrays and nested arrays included). */
const item = fc.dictionary(fc.constantFrom(...names), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });

describe("plain mappings read straight off the item, equal to jsonata", () => {
  it("gives jsonata's value for every plain expression and item, or leaves the item to jsonata", async () => {
    let readPlainly = 0;
    await fc.assert(
      fc.asyncProperty(plainText, item, fc.boolean(), async (text, input, lists) => {
        const expression = jsonata(text);
        const plain = compilePlain(expression, { lists });
        expect(plain).not.toBeNull();
        const got = plain!(input);
        if (got === NOT_PLAIN) return;
        readPlainly++;
        expect(got).toEqual(await expression.evaluate(input));
      }),
      { numRuns: 600 },
    );
    expect(readPlainly).toBeGreaterThan(300);
  });

  it("reads a list of alerts the way jsonata selects them", async () => {
    const expression = jsonata("checks");
    const plain = compilePlain(expression, { lists: true })!;
    for (const input of [{ checks: [{ id: 1 }, { id: 2 }] }, { checks: [{ id: 1 }] }, { checks: { id: 1 } }, {}, { checks: null }]) {
      expect(plain(input)).toEqual(await expression.evaluate(input));
    }
    expect(plain({ checks: [[{ id: 1 }], [{ id: 2 }]] })).toBe(NOT_PLAIN);
    expect(compilePlain(expression)!({ checks: [{ id: 1 }] })).toBe(NOT_PLAIN);
  });

  it("leaves anything else to jsonata", () => {
    for (const text of ["a.b", "$uppercase(id)", "id[0]", "$", "id & 'x'", "{ 'a': 1, 'a': 2 }", "{ id: 1 }", "{ 'a': a.b }", "checks[]", "(id)"]) {
      expect(compilePlain(jsonata(text)), text).toBeNull();
    }
  });
});
