import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { listCasesQuerySchema } from "@/lib/cases/list-cases";
import { resolutionCategories } from "@/lib/cases/resolve-case";
import { caseEvents } from "@/lib/db/schema/constants";

const spec = parse(fs.readFileSync("docs/openapi.yaml", "utf8"));

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name.startsWith("_") ? [] : routeFiles(p);
    return e.name === "route.ts" ? [p] : [];
  });
}

describe("docs/openapi.yaml", () => {
  it("documents every /api/v1 and /api/slack route and method, and nothing that does not exist", () => {
    const fromCode = [...routeFiles("app/api/v1"), ...routeFiles("app/api/slack")].flatMap((file) => {
      const url = `/${path.dirname(file).replace(/\[(\w+)\]/g, "{$1}")}`.replace(/^\/app/, "");
      const src = fs.readFileSync(file, "utf8");
      return [...src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => `${m[1].toLowerCase()} ${url}`);
    });
    const fromSpec = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(fromSpec.sort()).toEqual(fromCode.sort());
  });

  it("lists the same query parameters and resolution categories as the code", () => {
    const params = spec.paths["/api/v1/cases"].get.parameters.map((p: { name: string }) => p.name).sort();
    expect(params).toEqual(Object.keys(listCasesQuerySchema.shape).sort());
    const categories = spec.paths["/api/v1/cases/{id}/resolve"].post.requestBody.content["application/json"].schema.properties.category.enum;
    expect(categories).toEqual([...resolutionCategories]);
    expect(spec.components.schemas.CaseEvent.enum).toEqual([...caseEvents]);
  });
});
