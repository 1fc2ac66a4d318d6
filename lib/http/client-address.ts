import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";

/**
 * Next.js route handlers never see the socket: `NextRequest.ip` is gone (Next 15+), and Next only
 * fills `X-Forwarded-For` with the socket address when the client sent none
 * (next/dist/server/base-server.js). So the web process stamps every incoming request with the
 * socket's address under a header name chosen at random per process: a client cannot send it, and
 * where the stamp is not installed nothing is trusted.
 */
const STAMP_KEY = Symbol.for("tarka.peer-address-header");
type Holder = { [STAMP_KEY]?: string };

export function installPeerAddressStamp(): void {
  const holder = globalThis as Holder;
  if (holder[STAMP_KEY]) return;
  const header = `x-tarka-peer-${randomBytes(8).toString("hex")}`;
  holder[STAMP_KEY] = header;
  for (const proto of [http.Server.prototype, https.Server.prototype] as Array<{ emit: (event: string | symbol, ...args: unknown[]) => boolean }>) {
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
      if (event === "request") {
        const req = args[0] as http.IncomingMessage;
        req.headers[header] = req.socket?.remoteAddress ?? "";
      }
      return emit.call(this, event, ...args);
    };
  }
}

/** The socket address stamped on this request's headers, or null when there is none. */
export function peerAddress(headers: Headers | Record<string, unknown> | undefined): string | null {
  const header = (globalThis as Holder)[STAMP_KEY];
  if (!header || !headers) return null;
  const value = headers instanceof Headers ? headers.get(header) : headers[header];
  return typeof value === "string" && value ? normalizeAddress(value) : null;
}

/** `::ffff:10.1.2.3` (IPv4 on a dual-stack socket) → `10.1.2.3`; anything that is not an address → null. */
export function normalizeAddress(value: string): string | null {
  const v = value.trim().replace(/^\[(.*)\]$/, "$1");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v);
  const address = mapped ? (mapped[1] as string) : v;
  return isIP(address) ? address.toLowerCase() : null;
}

/** `10.0.0.0/8`, `fd00::/8` or a single address; throws with the entry for anything else. */
export function parseCidr(entry: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } {
  const [raw, bits, extra] = entry.trim().split("/");
  const address = raw ? normalizeAddress(raw) : null;
  if (!address || extra !== undefined) throw new Error(`"${entry}" is not an address or CIDR range`);
  const family = isIP(address) === 4 ? "ipv4" : "ipv6";
  const max = family === "ipv4" ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!/^\d+$/.test(bits ?? String(max)) || prefix > max) throw new Error(`"${entry}" has a prefix length outside 0-${max}`);
  return { address, prefix, family };
}

export type TrustedProxies = { has(address: string): boolean };

export function trustedProxies(cidrs: string[]): TrustedProxies {
  const list = new BlockList();
  for (const c of cidrs) {
    const { address, prefix, family } = parseCidr(c);
    list.addSubnet(address, prefix, family);
  }
  return {
    has(address) {
      const a = normalizeAddress(address);
      return !!a && list.check(a, isIP(a) === 4 ? "ipv4" : "ipv6");
    },
  };
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy; then `X-Forwarded-For`
 * is read from the right, skipping trusted hops, and the first untrusted address is the client
 * (everything left of it was written by the client and proves nothing). Unknown peer → "unknown".
 */
export function clientAddress(input: { peer: string | null; forwardedFor: string | null | undefined; trusted: TrustedProxies }): string {
  const peer = input.peer ? normalizeAddress(input.peer) : null;
  if (!peer) return "unknown";
  if (!input.trusted.has(peer)) return peer;
  const hops = (input.forwardedFor ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i] as string);
    if (!hop) return client;
    client = hop;
    if (!input.trusted.has(hop)) return hop;
  }
  return client;
}
