import type { NextConfig } from "next";

/**
 * Sent with every answer. The CSP restricts framing, plugins, <base> and form targets; it leaves
 * scripts and styles alone because Next.js inlines its bootstrap scripts.
 */
export const securityHeaders = [
  { key: "Content-Security-Policy", value: "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
  // Standalone output is what the image ships; only its build asks for it (TARKA_STANDALONE=1), since
  // `next start` on a standalone build warns that it "does not work" (it does) on every `npm start`.
  output: process.env.TARKA_STANDALONE === "1" ? "standalone" : undefined,
  // Native/wasm and socket clients run better unbundled; Turbopack also builds faster without them.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "postgres",
    "@nats-io/transport-node",
    "@nats-io/jetstream",
    "@kubernetes/client-node",
    "pino",
    "prom-client",
    "@opentelemetry/api",
    "@opentelemetry/context-async-hooks",
    "@opentelemetry/core",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
    "@opentelemetry/sdk-trace-base",
    "@opentelemetry/semantic-conventions",
  ],
};

export default nextConfig;
