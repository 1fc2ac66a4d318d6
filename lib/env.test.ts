import { describe, expect, it } from "vitest";
import { EnvError, databaseUrl, envSchema, loadEnv, parseDurationMs } from "./env";

describe("loadEnv", () => {
  it("gives embedded defaults when nothing is set", () => {
    const env = loadEnv({});
    expect(env.NATS_URL).toBeUndefined();
    expect(env.S3_BUCKET).toBeUndefined();
    expect(databaseUrl(env)).toBeUndefined();
    expect(env.JETSTREAM_STREAM).toBe("TARKA");
    expect(env.JETSTREAM_BACKOFF_SECONDS).toEqual([10, 60, 300]);
    expect(env.WORKER_CONCURRENCY).toBe(2);
    expect(env.TIME_WINDOW).toBe("1h");
  });

  it("names the variable and what is expected when a value is wrong", () => {
    expect(() => loadEnv({ WORKER_CONCURRENCY: "many" })).toThrow(EnvError);
    expect(() => loadEnv({ WORKER_CONCURRENCY: "many" })).toThrow(/WORKER_CONCURRENCY="many"/);
    expect(() => loadEnv({ PROMETHEUS_URL: "not a url" })).toThrow(/PROMETHEUS_URL.*absolute URL/);
    expect(() => loadEnv({ TIME_WINDOW: "an hour" })).toThrow(/TIME_WINDOW.*30m/);
    expect(() => loadEnv({ AUTH_MODE: "ldap" })).toThrow(/AUTH_MODE/);
    expect(() => loadEnv({ JETSTREAM_BACKOFF_SECONDS: "10,soon" })).toThrow(/JETSTREAM_BACKOFF_SECONDS/);
    expect(() => loadEnv({ S3_ACCESS_KEY_ID: "AKIA" })).toThrow(/S3_SECRET_ACCESS_KEY/);
  });

  it("checks that the LLM variables fit the provider only when LLM_ENABLED", () => {
    expect(loadEnv({ LLM_PROVIDER: "openai-compatible" }).LLM_ENABLED).toBe(false);
    expect(() => loadEnv({ LLM_PROVIDER: "bedrock" })).toThrow(/LLM_PROVIDER="bedrock": expected one of vertex, anthropic, openai, openai-compatible/);
    expect(() => loadEnv({ LLM_ENABLED: "true" })).toThrow(/LLM_PROVIDER=vertex needs GOOGLE_VERTEX_PROJECT/);
    expect(() => loadEnv({ LLM_ENABLED: "true", LLM_PROVIDER: "anthropic" })).toThrow(/needs LLM_API_KEY/);
    expect(() => loadEnv({ LLM_ENABLED: "true", LLM_PROVIDER: "openai-compatible", LLM_MODEL: "qwen" })).toThrow(/needs LLM_BASE_URL/);
    expect(() => loadEnv({ LLM_ENABLED: "true", LLM_PROVIDER: "openai-compatible", LLM_BASE_URL: "http://vllm:8000/v1" })).toThrow(/needs LLM_MODEL/);
    const env = loadEnv({ LLM_ENABLED: "true", GOOGLE_VERTEX_PROJECT: "p" });
    expect([env.LLM_PROVIDER, env.GOOGLE_VERTEX_LOCATION, env.LLM_MODEL]).toEqual(["vertex", "us-central1", undefined]);
  });

  it("parses lists, booleans and treats blank values as unset", () => {
    const env = loadEnv({ ALERTNAME_ALLOWLIST: " KubePodCrashLooping, TargetDown ,", S3_FORCE_PATH_STYLE: "true", NATS_URL: "  " });
    expect(env.ALERTNAME_ALLOWLIST).toEqual(["KubePodCrashLooping", "TargetDown"]);
    expect(env.S3_FORCE_PATH_STYLE).toBe(true);
    expect(env.NATS_URL).toBeUndefined();
    expect(loadEnv({ JETSTREAM_BACKOFF_SECONDS: "5, 30" }).JETSTREAM_BACKOFF_SECONDS).toEqual([5, 30]);
  });

  it("builds a database URL from POSTGRES_* with the password escaped", () => {
    const env = loadEnv({ POSTGRES_HOST: "db", POSTGRES_PASSWORD: "p@ss/word", POSTGRES_DB: "tarka" });
    expect(databaseUrl(env)).toBe("postgres://tarka:p%40ss%2Fword@db:5432/tarka");
    expect(databaseUrl(loadEnv({ DATABASE_URL: "postgres://x@h/d", POSTGRES_HOST: "db" }))).toBe("postgres://x@h/d");
  });

  it("parses durations", () => {
    expect(parseDurationMs("30m")).toBe(1_800_000);
    expect(parseDurationMs("2h")).toBe(7_200_000);
    expect(() => parseDurationMs("2w")).toThrow();
  });

  it("documents every variable in the README and .env.example", async () => {
    const fs = await import("node:fs");
    const readme = fs.readFileSync("README.md", "utf8");
    const example = fs.readFileSync(".env.example", "utf8");
    const names = Object.keys(envSchema.shape).filter((n) => n !== "NODE_ENV");
    const missingReadme = names.filter((n) => !readme.includes(`\`${n}\``));
    const missingExample = names.filter((n) => !new RegExp(`^#?\\s*${n}=`, "m").test(example));
    expect(missingReadme).toEqual([]);
    expect(missingExample).toEqual([]);
  });
});
