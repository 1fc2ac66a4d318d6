import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameOriginPath } from "./same-origin-path";

describe("sameOriginPath", () => {
  it("keeps paths on this site", () => {
    expect(sameOriginPath("/cases/42?tab=runs#report")).toBe("/cases/42?tab=runs#report");
    expect(sameOriginPath("/")).toBe("/");
  });

  it.each(["//evil.example", "/\\evil.example", "/\\/evil.example", "https://evil.example/", "javascript:alert(1)", "/\t/evil.example", "evil.example", "", undefined, ["/a"]])(
    "refuses %j",
    (value) => {
      expect(sameOriginPath(value)).toBe("/");
    },
  );

  it.each(["/%2F%2Fevil.example", "/%5Cevil.example", "/%2F/evil.example", "/%09/evil.example"])("keeps the encoded %s a path on this site", (value) => {
    expect(sameOriginPath(value)).toBe(value);
    expect(new URL(sameOriginPath(value), "https://tarka.example").origin).toBe("https://tarka.example");
  });

  it.each(["%2F%2Fevil.example", "https:%2F%2Fevil.example"])("refuses %j, which is no path", (value) => {
    expect(sameOriginPath(value)).toBe("/");
  });

  it("never yields a target a browser would resolve to another origin", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."/\\:.@?#%evil\t "), maxLength: 12 }), (value) => {
        const out = sameOriginPath(value);
        expect(new URL(out, "https://tarka.example").origin).toBe("https://tarka.example");
        expect(out.startsWith("/") && !out.startsWith("//")).toBe(true);
      }),
    );
  });
});
