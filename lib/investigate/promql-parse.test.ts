import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { podSelector, selector } from "./promql";
import { parsePromql } from "./promql-parse";

/** Any text an alert label can carry: every code point, control characters and quotes included. */
const labelText = fc.string({ unit: "binary", minLength: 1, maxLength: 40 });

describe("parsePromql", () => {
  it("reads back exactly the values selector() quoted, whatever they hold", () => {
    fc.assert(
      fc.property(labelText, labelText, (namespace, pod) => {
        const parsed = parsePromql(`up${selector({ namespace, pod })}`);
        expect(parsed).toMatchObject({ ok: true });
        if (!parsed.ok) return;
        expect(parsed.selectors).toHaveLength(1);
        expect(parsed.selectors[0].matchers).toEqual([
          { label: "namespace", op: "=", value: namespace },
          { label: "pod", op: "=", value: pod },
        ]);
      }),
      { numRuns: 500 },
    );
  });

  it("parses podSelector for any workload name, with the name escaped in the pod regex", () => {
    fc.assert(
      fc.property(labelText, labelText, (namespace, name) => {
        const parsed = parsePromql(`up${podSelector({ type: "workload", namespace, workload: { kind: "Deployment", name } } as Parameters<typeof podSelector>[0])}`);
        expect(parsed).toMatchObject({ ok: true });
        if (!parsed.ok) return;
        const [ns, pod] = parsed.selectors[0].matchers;
        expect(ns).toEqual({ label: "namespace", op: "=", value: namespace });
        expect(pod.op).toBe("=~");
        expect(new RegExp(`^(?:${pod.value})$`, "u").test(`${name}-abc`) || /[\uD800-\uDFFF]/.test(name)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("reads Go escapes, both quote styles and raw strings", () => {
    const parsed = parsePromql('up{a="\\x41\\102\\u00e9\\U0001F600\\t\\"", b=\'it\\\'s "x"\', c=`raw\\n`, d="a\tb"}');
    expect(parsed.ok && parsed.selectors[0].matchers.map((m) => m.value)).toEqual(["ABé😀\t\"", 'it\'s "x"', "raw\\n", "a\tb"]);
  });
});
