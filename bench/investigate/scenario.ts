import { buildScenarios, type FamilyScenario } from "@/test/scenarios/families";

/** The bench's alert: a crash-looping pod whose last termination was OOMKilled, named after `prefix`. */
export function crashloopScenario(ctx: { now: Date; prefix: string }): FamilyScenario {
  const scenario = buildScenarios(ctx).find((s) => s.family === "crashloop");
  if (!scenario) throw new Error("no crashloop scenario");
  return scenario;
}
