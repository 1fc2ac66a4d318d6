import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "@/lib/env";
import { ServiceError } from "@/lib/errors";
import { createLogger } from "@/lib/log";
import { startFakeKubernetes, writeKubeconfig, type FakeKubernetes } from "@/test/helpers/fake-kubernetes";
import { startFakeLoki, toNs, type FakeLoki } from "@/test/helpers/fake-loki";
import { createProviders } from "./create-providers";

const log = createLogger({ level: "silent" });

describe("createProviders", () => {
  let k8s: FakeKubernetes;
  let loki: FakeLoki;
  let kubeconfig: string;

  beforeAll(async () => {
    k8s = await startFakeKubernetes({
      objects: [{ kind: "Node", metadata: { name: "node-1" }, status: { conditions: [{ type: "Ready", status: "True" }] } }],
    });
    kubeconfig = writeKubeconfig(k8s.url);
    loki = await startFakeLoki({ streams: [{ stream: { namespace: "prod", pod: "api-1" }, values: [[toNs(new Date(Date.now() - 1_000)), "hello"]] }] });
  });
  afterAll(async () => {
    await k8s?.stop();
    await loki?.stop();
  });

  it("builds nothing but the timeout when nothing is configured", () => {
    expect(createProviders({ env: loadEnv({}), log })).toEqual({ timeoutMs: 8_000 });
  });

  it("builds every configured provider with the configured timeout", async () => {
    const providers = createProviders({
      env: loadEnv({
        PROMETHEUS_URL: "http://vmselect:8481/select/0/prometheus",
        LOGS_URL: loki.url,
        LOGS_BACKEND: "loki",
        ALERTMANAGER_URL: "http://alertmanager:9093",
        KUBECONFIG: kubeconfig,
        PROVIDER_TIMEOUT_MS: "2500",
      }),
      log,
    });
    expect(providers.timeoutMs).toBe(2_500);
    expect(providers.metrics).toMatchObject({ kind: "victoriametrics", baseUrl: "http://vmselect:8481/select/0/prometheus" });
    expect(providers.alertmanager).toBeDefined();
    expect((await providers.kubernetes!.getNode("node-1"))?.conditions).toEqual([{ type: "Ready", status: "True" }]);
    const logs = await providers.logs!.fetch({ namespace: "prod", pod: "api-1" }, new Date(Date.now() - 60_000), new Date(), 5);
    expect(logs).toMatchObject({ status: "ok", backend: "loki" });
    expect(loki.queries.at(-1)?.query).toBe('{namespace="prod",pod="api-1"}');
  });

  it("leaves Kubernetes out when KUBERNETES_ENABLED=false, even with a kubeconfig", () => {
    const providers = createProviders({ env: loadEnv({ KUBECONFIG: kubeconfig, KUBERNETES_ENABLED: "false" }), log, inCluster: true });
    expect(providers.kubernetes).toBeUndefined();
  });

  it("stops with invalid_input for an unreadable KUBECONFIG or in-cluster mode outside a cluster", () => {
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const bad = attempt(() => createProviders({ env: loadEnv({ KUBECONFIG: "/nonexistent/kubeconfig" }), log }));
    expect(bad).toBeInstanceOf(ServiceError);
    expect((bad as ServiceError).code).toBe("invalid_input");
    expect((bad as ServiceError).message).toContain("/nonexistent/kubeconfig");
    const outside = attempt(() => createProviders({ env: loadEnv({}), log, inCluster: true }));
    expect((outside as ServiceError).code).toBe("invalid_input");
    expect((outside as ServiceError).message).toContain("KUBERNETES_SERVICE_HOST");
  });
});
