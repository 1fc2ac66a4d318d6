import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { Service } from "kubernetes-models/v1";
import { findObject, readYamlDocuments } from "./tests/read-manifests";

// amtool comes with Debian's `prometheus-alertmanager` package.
type Snippet = {
  route: { routes: Record<string, unknown>[] };
  receivers: { name: string; webhook_configs: { url: string; send_resolved: boolean; http_config?: { authorization?: { type: string } } }[] }[];
};
const snippet = readYamlDocuments("alertmanager-receiver-snippet.yaml")[0] as Snippet;

function checkConfig(config: object): { code: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-am-"));
  try {
    fs.writeFileSync(path.join(dir, "alertmanager.yml"), stringify(config));
    const r = spawnSync("amtool", ["check-config", "alertmanager.yml"], { cwd: dir, encoding: "utf8" });
    if (r.error) throw r.error;
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("k8s/alertmanager-receiver-snippet.yaml", () => {
  it("merged into a minimal configuration, passes amtool check-config", () => {
    const r = checkConfig({
      route: { receiver: "default", routes: snippet.route.routes },
      receivers: [{ name: "default" }, ...snippet.receivers],
    });
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  it("amtool rejects a broken merge, so the check above means something", () => {
    const r = checkConfig({ route: { receiver: "default", routes: snippet.route.routes }, receivers: [{ name: "default" }] });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("tarka");
  });

  it("posts to the tarka-webhook Service's /alerts with a bearer token and resolved alerts", () => {
    const svc = findObject("Service", "tarka-webhook") as unknown as Service;
    const [hook] = snippet.receivers.find((r) => r.name === "tarka")!.webhook_configs;
    expect(hook.url).toBe(`http://tarka-webhook.tarka.svc.cluster.local:${svc.spec!.ports![0].port}/alerts`);
    expect(hook.send_resolved).toBe(true);
    expect(hook.http_config?.authorization?.type).toBe("Bearer");
  });
});
