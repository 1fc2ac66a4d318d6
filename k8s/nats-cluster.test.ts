import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ConfigMap, Service } from "kubernetes-models/v1";
import { StatefulSet, type IStatefulSet } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget, type IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import { NetworkPolicy, type INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { loadEnv } from "@/lib/env";
import { headingAnchors } from "@/test/helpers/markdown";
import { K8S_DIR, type Manifest } from "./tests/read-manifests";

const REPO = path.resolve(K8S_DIR, "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-nats-cluster-k8s-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** k8s/ rendered as an operator enables the component: `components: [nats-cluster]` in its kustomization. */
function renderWithComponent(): Manifest[] {
  const copy = path.join(scratch, "k8s");
  fs.cpSync(K8S_DIR, copy, { recursive: true });
  fs.appendFileSync(path.join(copy, "kustomization.yaml"), "components:\n  - nats-cluster\n");
  const out = execFileSync("kubectl", ["kustomize", copy], { encoding: "utf8" });
  return parseAllDocuments(out).map((d) => d.toJS() as Manifest);
}

const rendered = renderWithComponent();
const find = (kind: string, name: string) => {
  const hit = rendered.find((m) => m.kind === kind && m.metadata.name === name);
  if (!hit) throw new Error(`${kind}/${name} not rendered`);
  return hit;
};

describe("k8s/nats-cluster (kustomize component: 3-node JetStream cluster)", () => {
  it("renders objects that pass the Kubernetes OpenAPI schemas", () => {
    new StatefulSet(find("StatefulSet", "nats") as object).validate();
    new Service(find("Service", "nats-cluster") as object).validate();
    new Service(find("Service", "nats") as object).validate();
    new PodDisruptionBudget(find("PodDisruptionBudget", "nats") as object).validate();
    new NetworkPolicy(find("NetworkPolicy", "nats") as object).validate();
    new ConfigMap(find("ConfigMap", "nats-config") as object).validate();
  });

  it("runs three members on different nodes, each with its own volume, behind a headless Service", () => {
    const sts = find("StatefulSet", "nats") as unknown as IStatefulSet;
    expect(sts.spec!.replicas).toBe(3);
    expect(sts.spec!.serviceName).toBe("nats-cluster");
    expect(sts.spec!.volumeClaimTemplates!.map((v) => v.metadata!.name)).toEqual(["data"]);
    const anti = sts.spec!.template.spec!.affinity!.podAntiAffinity!.requiredDuringSchedulingIgnoredDuringExecution!;
    expect(anti[0].topologyKey).toBe("kubernetes.io/hostname");
    expect(anti[0].labelSelector!.matchLabels).toEqual({ app: "nats" });
    const container = sts.spec!.template.spec!.containers.find((c) => c.name === "nats")!;
    expect(container.args).toEqual(["--config", "/etc/nats/nats.conf"]);
    expect(container.ports!.map((p) => p.name).sort()).toEqual(["client", "cluster", "monitor"]);
    const headless = find("Service", "nats-cluster") as unknown as Service;
    expect(headless.spec!.clusterIP).toBe("None");
    expect(headless.spec!.publishNotReadyAddresses).toBe(true);
  });

  it("routes name every member through the headless Service, and nats-server accepts the configuration", () => {
    const conf = (find("ConfigMap", "nats-config") as unknown as { data: Record<string, string> }).data["nats.conf"];
    for (let i = 0; i < 3; i++) expect(conf).toContain(`nats://nats-${i}.nats-cluster.tarka.svc.cluster.local:6222`);
    const file = path.join(scratch, "nats.conf");
    fs.writeFileSync(file, conf.replace("store_dir: /data", `store_dir: ${path.join(scratch, "store")}`));
    const out = execFileSync("nats-server", ["-c", file, "-t"], { encoding: "utf8", env: { ...process.env, POD_NAME: "nats-0" }, stdio: "pipe" });
    expect(out + "").not.toMatch(/error/i);
  });

  it("keeps a quorum through voluntary disruptions and lets the members talk on the route port", () => {
    const pdb = find("PodDisruptionBudget", "nats") as unknown as IPodDisruptionBudget;
    expect(pdb.spec!.maxUnavailable).toBe(1);
    expect(pdb.spec!.selector!.matchLabels).toEqual({ app: "nats" });
    const policy = find("NetworkPolicy", "nats") as unknown as INetworkPolicy;
    const ports = policy.spec!.ingress!.flatMap((r) => (r.ports ?? []).map((p) => p.port));
    expect(ports).toEqual(expect.arrayContaining([4222, 8222, 6222]));
  });

  it("configures Tarka for R3 streams, a configuration the app accepts", () => {
    const data = (find("ConfigMap", "tarka-config") as unknown as { data: Record<string, string> }).data;
    const env = loadEnv(data);
    expect(env.JETSTREAM_REPLICAS).toBe(3);
    expect(env.NATS_URL).toBe("nats://nats.tarka.svc.cluster.local:4222");
  });

  it("points at documentation that exists", () => {
    const text = fs.readFileSync(path.join(K8S_DIR, "nats-cluster/kustomization.yaml"), "utf8");
    for (const [, doc, anchor] of text.matchAll(/docs\/([\w-]+\.md)#([\w-]+)/g)) {
      expect([...headingAnchors(fs.readFileSync(path.join(REPO, "docs", doc), "utf8"))], `${doc}#${anchor}`).toContain(anchor);
    }
  });
});
