import type { NextConfig } from "next";

const nextConfig: NextConfig = {
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
