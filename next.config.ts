import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  output: "standalone",
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
