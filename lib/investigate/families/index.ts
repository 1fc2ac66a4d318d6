import type { Family } from "@/lib/alerts/family";
import { generic } from "./generic";
import type { FamilyModule } from "./types";

/** Every family investigation; a family without its own module falls back to `generic`. */
export const familyModules: FamilyModule[] = [generic];

const byFamily = new Map<Family, FamilyModule>(familyModules.map((m) => [m.family, m]));

export function familyModule(family: Family): FamilyModule {
  return byFamily.get(family) ?? generic;
}
