import fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { loadSources, parseSources, SourcesConfigError, sourcePresets } from "./config";

const GENERIC_SECRET = `whsec_${Buffer.from("generic-secret-0123456789abcdef").toString("base64")}`;

describe("sources file validation", () => {
  it("names the source and the field of every problem", () => {
    const bad = () =>
      parseSources(
        {
          sources: [
            { id: "pd", preset: "pagerduty" },
            { id: "gen", preset: "generic", secret: "too-short" },
            { id: "map", preset: "generic", secret: GENERIC_SECRET, mapping: { alertname: "$$$(" } },
            { id: "Bad Id", preset: "grafana", secret: "grafana-token-0123456789" },
          ],
        },
        {},
        "HTTP_SOURCES_FILE sources.yaml",
      );
    expect(bad).toThrow(/source "Bad Id": id: expected lowercase/);
    const second = () =>
      parseSources(
        {
          sources: [
            { id: "pd", preset: "pagerduty" },
            { id: "gen", preset: "generic", secret: "whsec_c2hvcnQtYnV0LWJhc2U2NC1zZWNyZXQ=" },
            { id: "map", preset: "generic", secret: GENERIC_SECRET, mapping: { alertname: "$$$(" } },
          ],
        },
        {},
        "HTTP_SOURCES_FILE sources.yaml",
      );
    expect(second).toThrow(/source "pd": secretEnv: environment variable PAGERDUTY_WEBHOOK_SECRET is not set/);
    expect(second).toThrow(/source "gen": mapping: required for the generic preset/);
    expect(second).toThrow(/source "map": mapping\.alertname: /);
  });
});

describe("the documented sources file", () => {
  it("docs/examples/sources.yaml loads, with every preset", () => {
    const secrets = {
      GRAFANA_WEBHOOK_TOKEN: "grafana-token-0123456789",
      PAGERDUTY_WEBHOOK_SECRET: "pd-secret-0123456789abcdef",
      JIRA_WEBHOOK_SECRET: "jira-secret-0123456789abcdef",
      UPTIME_WEBHOOK_SECRET: GENERIC_SECRET,
    };
    const sources = loadSources({ path: "docs/examples/sources.yaml", secrets });
    expect(sources.map((s) => s.preset).sort()).toEqual([...sourcePresets].sort());
    expect(() => loadSources({ path: "docs/examples/sources.yaml", secrets: {} })).toThrow(SourcesConfigError);
    expect(parseYaml(fs.readFileSync("docs/examples/sources.yaml", "utf8")).sources).toHaveLength(4);
  });

  it("operations.md documents every preset, mapping field and source metric", () => {
    const ops = fs.readFileSync("docs/operations.md", "utf8");
    const section = ops.slice(ops.indexOf("## Integrations"));
    for (const preset of sourcePresets) expect(section).toContain(`\`${preset}\``);
    for (const field of ["alerts", "fingerprint", "alertname", "status", "labels", "annotations", "startsAt", "endsAt"]) {
      expect(section).toContain(`\`${field}\``);
    }
    for (const header of ["X-PagerDuty-Signature", "X-Hub-Signature", "webhook-id", "webhook-timestamp", "webhook-signature"]) {
      expect(section).toContain(header);
    }
    expect(ops).toContain("tarka_source_requests_total");
    expect(ops).toContain("tarka_source_signature_failures_total");
    expect(fs.readFileSync("docs/troubleshooting.md", "utf8")).toContain("## Webhook delivery failures");
  });
});
