import { buildScenarios, type FamilyScenario } from "@/test/scenarios/families";

/** Every family's real-peer scenarios, named after `prefix`. */
export function allScenarios(ctx: { now: Date; prefix: string }): FamilyScenario[] {
  return buildScenarios(ctx);
}

/** The bench's alert: a crash-looping pod whose last termination was OOMKilled, named after `prefix`. */
export function crashloopScenario(ctx: { now: Date; prefix: string }): FamilyScenario {
  const scenario = buildScenarios(ctx).find((s) => s.family === "crashloop");
  if (!scenario) throw new Error("no crashloop scenario");
  return scenario;
}
