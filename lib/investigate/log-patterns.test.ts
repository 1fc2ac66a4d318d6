import { describe, expect, it } from "vitest";
import { logPatternIdOf, matchLogPatterns } from "./log-patterns";

describe("matchLogPatterns", () => {
  it.each([
    ["dial tcp 10.0.0.7:5432: connect: connection refused", "connection_refused", "dependency_unavailable", "10.0.0.7:5432"],
    ["Error: connect ECONNREFUSED redis.cache.svc:6379", "connection_refused", "dependency_unavailable", "redis.cache.svc:6379"],
    ["dial tcp kafka-0.kafka:9092: i/o timeout", "connection_timeout", "dependency_unavailable", "kafka-0.kafka:9092"],
    ["KeyError: 'STRIPE_API_KEY'", "missing_env", "config_error", "STRIPE_API_KEY"],
    ["fatal: environment variable DATABASE_URL is not set", "missing_env", "config_error", "DATABASE_URL"],
    ["failed to load config /etc/app/config.yaml: yaml: line 3", "config_invalid", "config_error", "/etc/app/config.yaml"],
    ["envconfig.Process: required key PAYMENTS_TOKEN missing value", "missing_env", "config_error", "PAYMENTS_TOKEN"],
    ['key not found: "REDIS_URL" (KeyError)', "missing_env", "config_error", "REDIS_URL"],
    ["Could not resolve placeholder 'spring.datasource.url' in value \"${spring.datasource.url}\"", "missing_env", "config_error", "spring.datasource.url"],
    ["Error: Missing required environment variable: SESSION_SECRET", "missing_env", "config_error", "SESSION_SECRET"],
    ["thread 'main' panicked at src/main.rs:12: DATABASE_URL: environment variable not found", "missing_env", "config_error", "DATABASE_URL"],
    ["api_key\n  Field required [type=missing, input_value={}, input_type=dict]", "missing_env", "config_error", null],
    ["Error: ENOENT: no such file or directory, open '/etc/app/settings.json'", "missing_config_file", "config_error", "/etc/app/settings.json"],
    ["FileNotFoundError: [Errno 2] No such file or directory: '/run/secrets/db.env'", "missing_config_file", "config_error", "/run/secrets/db.env"],
    ["open /etc/tls/tls.crt: no such file or directory", "missing_config_file", "config_error", "/etc/tls/tls.crt"],
    ["flag provided but not defined: -metrics-adress", "bad_flag", "config_error", "-metrics-adress"],
    ["open /data/cache.db: permission denied", "permission_denied", "permission_error", "/data/cache.db"],
    ["dial tcp: lookup orders-db.shop.svc on 10.96.0.10:53: no such host", "dns_failure", "network", "orders-db.shop.svc"],
    ["java.lang.OutOfMemoryError: Java heap space", "oom", "oom", null],
    ["panic: runtime error: invalid memory address or nil pointer dereference", "panic", "app_crash", null],
    ["listen tcp 0.0.0.0:8080: bind: address already in use", "address_in_use", "config_error", "0.0.0.0:8080"],
    ["x509: certificate has expired or is not yet valid", "tls_error", "cert_expiry", null],
    ["write /var/lib/app/wal/0001: no space left on device", "disk_full", "disk_full", "/var/lib/app/wal/0001"],
    ['migration 20261101_add_orders failed: relation "orders" does not exist', "migration_failure", "bad_rollout", "migration 20261101_add_orders"],
    ["FATAL: remaining connection slots are reserved for non-replication superuser connections", "pool_exhausted", "database_slow", null],
  ])("%s → %s", (line, id, category, detail) => {
    const [m] = matchLogPatterns([line]);
    expect(m).toMatchObject({ patternId: id, category, count: 1, detail });
  });

  it("ignores ordinary lines and ranks by frequency", () => {
    const matches = matchLogPatterns([
      "GET /healthz 200 3ms",
      "panic: boom",
      "dial tcp 10.0.0.1:443: connect: connection refused",
      "dial tcp 10.0.0.1:443: connect: connection refused",
    ]);
    expect(matches.map((m) => [m.patternId, m.count])).toEqual([
      ["connection_refused", 2],
      ["panic", 1],
    ]);
    expect(matchLogPatterns(["all good", "12:30:01 request served"])).toEqual([]);
  });
});

describe("logPatternIdOf", () => {
  it("names the pattern a line counts towards, and nothing for a routine line", () => {
    expect(logPatternIdOf('err="dial tcp 10.42.3.7:5432: connect: connection refused"')).toBe("connection_refused");
    expect(logPatternIdOf("level=info msg=\"retrying in 2s\"")).toBeNull();
    const line = "FATAL: password authentication failed for user app";
    expect(matchLogPatterns([line])[0].patternId).toBe(logPatternIdOf(line));
  });
});
