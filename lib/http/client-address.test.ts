import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { loadEnv } from "@/lib/env";
import { clientAddress, installPeerAddressStamp, normalizeAddress, peerAddress, trustedProxies } from "./client-address";

const trusted = trustedProxies(["10.0.0.0/8", "fd00::/8", "192.0.2.1"]);

describe("clientAddress", () => {
  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(clientAddress({ peer: "203.0.113.9", forwardedFor: "198.51.100.1", trusted })).toBe("203.0.113.9");
    expect(clientAddress({ peer: "::ffff:203.0.113.9", forwardedFor: "10.1.1.1, 198.51.100.1", trusted })).toBe("203.0.113.9");
    expect(clientAddress({ peer: "203.0.113.9", forwardedFor: null, trusted: trustedProxies([]) })).toBe("203.0.113.9");
  });

  it("reads a trusted proxy's X-Forwarded-For from the right, skipping trusted hops, never trusting the client's own entries", () => {
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor: "198.51.100.7", trusted })).toBe("198.51.100.7");
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor: "1.2.3.4, 198.51.100.7, 10.2.3.4", trusted })).toBe("198.51.100.7");
    expect(clientAddress({ peer: "192.0.2.1", forwardedFor: "2001:db8::1, fd00::3", trusted })).toBe("2001:db8::1");
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor: "10.0.0.9", trusted })).toBe("10.0.0.9");
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor: null, trusted })).toBe("10.0.0.5");
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor: "junk, 198.51.100.7", trusted })).toBe("198.51.100.7");
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor: "198.51.100.7, junk", trusted })).toBe("10.0.0.5");
  });

  it("answers unknown without a peer, and normalises addresses", () => {
    expect(clientAddress({ peer: null, forwardedFor: "198.51.100.7", trusted })).toBe("unknown");
    expect(normalizeAddress("[2001:DB8::1]")).toBe("2001:db8::1");
    expect(normalizeAddress("not-an-ip")).toBeNull();
  });

  it("TRUSTED_PROXIES accepts CIDR lists and names a bad entry", () => {
    expect(loadEnv({ TRUSTED_PROXIES: "10.0.0.0/8, fd00::/8,127.0.0.1" }).TRUSTED_PROXIES).toEqual(["10.0.0.0/8", "fd00::/8", "127.0.0.1"]);
    expect(() => loadEnv({ TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(/TRUSTED_PROXIES.*prefix length outside 0-32/);
    expect(() => loadEnv({ TRUSTED_PROXIES: "proxy.internal" })).toThrow(/TRUSTED_PROXIES.*not an address or CIDR range/);
  });
});

describe("installPeerAddressStamp", () => {
  it("stamps the socket address under a per-process header a client cannot set", async () => {
    expect(peerAddress({ "x-forwarded-for": "198.51.100.1" })).toBeNull();
    installPeerAddressStamp();
    const seen: Array<string | null> = [];
    const server = http.createServer((req, res) => {
      seen.push(peerAddress(req.headers));
      const forged = Object.keys(req.headers).filter((h) => h.startsWith("x-tarka-peer"));
      res.end(JSON.stringify(forged.map((h) => req.headers[h])));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { "x-forwarded-for": "198.51.100.1", "x-tarka-peer": "198.51.100.2" } });
      const stamped = (await res.json()) as string[];
      expect(seen).toEqual(["127.0.0.1"]);
      expect(stamped).toContain("198.51.100.2");
      expect(stamped.filter((v) => v === "127.0.0.1")).toHaveLength(1);
    } finally {
      server.close();
    }
  });
});
