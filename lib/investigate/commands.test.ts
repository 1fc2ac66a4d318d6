import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { shellSandbox } from "@/test/helpers/shell";
import { hostPort, kubectl, nsFlag, placeholder, sh, shellQuote } from "./commands";

const sandbox = shellSandbox();
afterAll(() => sandbox.remove());

const metacharacters = [..."$`\"'\\;|&<>(){}[]*?!~#= \t\n-./:%@,+^"];
// Arguments cannot hold NUL: the kernel ends C strings there.
const shellString = fc.string({ unit: fc.oneof(fc.constantFrom(...metacharacters), fc.constantFrom(..."aZ09é日"), fc.string({ unit: "grapheme", maxLength: 1 })) }).filter((s) => !s.includes("\0"));

describe("shellQuote", () => {
  it("turns any string into exactly one word that /bin/sh reads back unchanged", () => {
    fc.assert(
      fc.property(shellString, (value) => {
        expect(sandbox.argv(shellQuote(value))).toEqual([value]);
      }),
      { numRuns: 100 },
    );
    expect(sandbox.files()).toEqual([]);
  });

  it("leaves plain words readable", () => {
    expect(shellQuote("checkout-7d9f8-abcde")).toBe("checkout-7d9f8-abcde");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

describe("command templates", () => {
  it("keep every interpolated value one inert argument, and never let one start an option", () => {
    fc.assert(
      fc.property(shellString, shellString, (namespace, pod) => {
        const step = kubectl`${nsFlag(namespace)}logs ${pod} --tail=200`;
        const words = sandbox.argv(step.text.replace(/^kubectl /, ""));
        const expected = (v: string) => (v.startsWith("-") ? "<invalid-name>" : v);
        expect(words).toEqual([...(namespace ? ["-n", expected(namespace)] : []), "logs", expected(pod), "--tail=200"]);
      }),
      { numRuns: 100 },
    );
    expect(sandbox.files()).toEqual([]);
  });

  it("quote values inside a word, keep Shell fragments and placeholders as written", () => {
    expect(kubectl`get events --field-selector involvedObject.name=${"a b;c"}`.text).toBe("kubectl get events --field-selector involvedObject.name='a b;c'");
    expect(kubectl`get events --field-selector involvedObject.name=${"--x"}`.text).toBe("kubectl get events --field-selector involvedObject.name=--x");
    expect(kubectl`${nsFlag("prod")}describe pod ${placeholder("pod")}`.text).toBe("kubectl -n prod describe pod <pod>");
    expect(kubectl`top pod${null}`.text).toBe("kubectl top pod");
    expect(sh`nc -zv ${hostPort("db;id:5432")}`.text).toBe("nc -zv 'db;id' 5432");
  });
});
