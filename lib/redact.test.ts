import { describe, expect, it } from "vitest";
import { REDACTED, redactText, redactUrl, redactValue } from "./redact";

describe("redactText", () => {
  it.each([
    ["fetch failed: http://admin:hunter2@prom.monitoring:9090/api/v1/query", "hunter2"],
    ["postgres://tarka:s3cr3t-pw@db:5432/tarka", "s3cr3t-pw"],
    ["Authorization: Bearer abcdefghijklmnop.qrstuv", "abcdefghijklmnop"],
    ["password=hunter2 user=bob", "hunter2"],
    ['{"api_key": "k-123456789", "x": 1}', "k-123456789"],
    ["DB_PASSWORD: 'p@ss w0rd'", "p@ss w0rd"],
    ["aws key AKIAABCDEFGHIJKLMNOP in env", "AKIAABCDEFGHIJKLMNOP"],
    ["slack xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij"],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "dozjgNryP4J3"],
    ["-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA"],
  ])("removes the secret from %j", (input, secret) => {
    const out = redactText(input);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it("leaves ordinary text alone", () => {
    const line = 'level=error msg="dial tcp 10.0.3.7:5432: connect: connection refused" pod=api-7d9c';
    expect(redactText(line)).toBe(line);
    expect(redactText("http://prometheus:9090/api/v1/query?query=up")).toBe("http://prometheus:9090/api/v1/query?query=up");
  });
});

describe("redactUrl", () => {
  it("drops userinfo and secret query parameters but keeps the address", () => {
    const out = redactUrl("https://bob:pw@logs.example:3100/loki?token=abc&limit=5");
    expect(out).toBe("https://logs.example:3100/loki?token=%5Bredacted%5D&limit=5");
  });
  it("redacts an unparseable URL as text", () => {
    expect(redactUrl("not a url user:pw@x password=1")).not.toContain("password=1");
  });
});

describe("redactValue", () => {
  it("redacts nested strings and secret-named keys without touching the input", () => {
    const input = { url: "http://u:p@h/", headers: { Authorization: "Basic dTpw" }, nested: [{ clientSecret: "x" }], n: 3 };
    const out = redactValue(input);
    expect(out).toEqual({ url: `http://${REDACTED}@h/`, headers: { Authorization: REDACTED }, nested: [{ clientSecret: REDACTED }], n: 3 });
    expect(input.headers.Authorization).toBe("Basic dTpw");
  });
});
