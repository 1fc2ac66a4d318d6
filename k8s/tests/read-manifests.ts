import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

export const K8S_DIR = path.resolve(import.meta.dirname, "..");

export type Manifest = {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
};

/** Every YAML document of one file under k8s/, failing loudly on syntax errors. */
export function readYamlDocuments(file: string): unknown[] {
  const text = fs.readFileSync(path.join(K8S_DIR, file), "utf8");
  return parseAllDocuments(text).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${file} document ${i + 1}: ${doc.errors.map((e) => e.message).join("; ")}`);
    return doc.toJS();
  });
}

/** The Kubernetes objects in a manifest file. */
export function readManifests(file: string): Manifest[] {
  return readYamlDocuments(file)
    .filter((d) => d !== null)
    .map((d) => ({ ...(d as Omit<Manifest, "file">), file }) as Manifest);
}

/** The k8s/*.yaml files that hold Kubernetes objects (everything but the Alertmanager snippet). */
export function manifestFiles(): string[] {
  return fs
    .readdirSync(K8S_DIR)
    .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml" && f !== "alertmanager-receiver-snippet.yaml")
    .sort();
}

export function findObject(kind: string, name: string): Manifest {
  for (const file of manifestFiles()) {
    const hit = readManifests(file).find((m) => m.kind === kind && m.metadata.name === name);
    if (hit) return hit;
  }
  throw new Error(`no ${kind} ${name} under k8s/`);
}
