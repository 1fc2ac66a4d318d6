import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "@/lib/env";
import { webhookAuthPolicy } from "./webhook-auth-policy";

describe("webhookAuthPolicy", () => {
  it("refuses a production web process (NATS_URL) with an open webhook, and names both ways out", () => {
    const policy = webhookAuthPolicy(loadEnv({ NATS_URL: "nats://nats:4222" }));
    expect(policy).toEqual({ refuse: expect.stringContaining("WEBHOOK_BEARER_TOKEN") });
    expect((policy as { refuse: string }).refuse).toContain("WEBHOOK_AUTH=none");
    expect((policy as { refuse: string }).refuse).toContain("WEBHOOK_BASIC_USER and WEBHOOK_BASIC_PASSWORD");
  });

  it("starts with a token, and warns when open on purpose or in embedded mode", () => {
    expect(webhookAuthPolicy(loadEnv({ NATS_URL: "nats://nats:4222", WEBHOOK_BEARER_TOKEN: "t0ken-t0ken" }))).toEqual({ ok: true });
    expect(webhookAuthPolicy(loadEnv({ NATS_URL: "nats://nats:4222", WEBHOOK_BASIC_USER: "am", WEBHOOK_BASIC_PASSWORD: "a-long-basic-password" }))).toEqual({ ok: true });
    expect(webhookAuthPolicy(loadEnv({ NATS_URL: "nats://nats:4222", WEBHOOK_AUTH: "none" }))).toEqual({ warn: expect.stringContaining("anyone") });
    expect(webhookAuthPolicy(loadEnv({}))).toEqual({ warn: expect.stringContaining("embedded mode") });
  });

  it("rejects contradictory settings at configuration time", () => {
    expect(() => loadEnv({ WEBHOOK_AUTH: "bearer" })).toThrow(EnvError);
    expect(() => loadEnv({ WEBHOOK_AUTH: "none", WEBHOOK_BEARER_TOKEN: "x" })).toThrow(/contradicts/);
    expect(() => loadEnv({ WEBHOOK_AUTH: "none", WEBHOOK_BASIC_USER: "am", WEBHOOK_BASIC_PASSWORD: "a-long-basic-password" })).toThrow(/contradicts WEBHOOK_BASIC_USER/);
    expect(() => loadEnv({ WEBHOOK_BASIC_USER: "am" })).toThrow(/must be set together/);
    expect(() => loadEnv({ WEBHOOK_AUTH: "basic" })).toThrow(/WEBHOOK_AUTH=basic needs/);
    expect(() => loadEnv({ WEBHOOK_BASIC_USER: "am", WEBHOOK_BASIC_PASSWORD: "short" })).toThrow(/WEBHOOK_BASIC_PASSWORD.*at least 16/);
  });
});
