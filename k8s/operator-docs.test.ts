import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { envSchema } from "@/lib/env";
import { K8S_DIR } from "./tests/read-manifests";
import { headingAnchors } from "@/test/helpers/markdown";

const REPO = path.resolve(K8S_DIR, "..");
const DOCS = ["docs/deployment.md", "docs/operations.md", "docs/troubleshooting.md", "docs/alerts.md", "docs/integrations.md"];
/** Variables an operator names for a source's secret (`secretEnv`) in the example sources file. */
const SOURCE_SECRET_VARIABLES = [...fs.readFileSync(path.join(REPO, "docs/examples/sources.yaml"), "utf8").matchAll(/secretEnv:\s*([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]);
/**
 * Upper-case names in the docs that are not the processes' environment (TARKA_STANDALONE is read by
 * next.config.ts at build time; TARKA_WEBHOOK_SECRET is a receiver's, in the verification example).
 */
const NOT_VARIABLES = new Set(["TARKA_DLQ", "TARKA_STANDALONE", "TARKA_WEBHOOK_SECRET", ...SOURCE_SECRET_VARIABLES]);

describe("operator docs", () => {
  it.each(DOCS)("%s links only to files and sections that exist", (doc) => {
    const text = fs.readFileSync(path.join(REPO, doc), "utf8");
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [file, hash] = target.split("#");
      const resolved = file ? path.resolve(path.dirname(path.join(REPO, doc)), file) : path.join(REPO, doc);
      if (!fs.existsSync(resolved)) {
        broken.push(target);
        continue;
      }
      if (hash && !headingAnchors(fs.readFileSync(resolved, "utf8")).has(hash)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });

  it.each(DOCS)("%s names only variables that lib/env.ts reads", (doc) => {
    const text = fs.readFileSync(path.join(REPO, doc), "utf8");
    const known = new Set(Object.keys(envSchema.shape));
    const unknown = [...new Set(text.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? [])].filter(
      (name) => !known.has(name) && !NOT_VARIABLES.has(name),
    );
    expect(unknown).toEqual([]);
  });

  it("the deployment guide's manifest table lists every file in k8s/", () => {
    const text = fs.readFileSync(path.join(REPO, "docs/deployment.md"), "utf8");
    const files = fs.readdirSync(K8S_DIR).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
    for (const f of files) expect(text, f).toContain(`| \`${f}\` |`);
  });
});
