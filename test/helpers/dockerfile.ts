// The Dockerfile and .dockerignore as data, for tests that check the image without a container engine.

export type Instruction = { op: string; args: string };
export type Stage = { name: string; from: string; instructions: Instruction[] };
export type Dockerfile = { args: Record<string, string>; stages: Stage[] };

export function parseDockerfile(text: string): Dockerfile {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    const instruction = { op: op.toUpperCase(), args: rest.replace(/\s+/g, " ") };
    if (instruction.op === "FROM") {
      const m = /^(\S+)(?: AS (\S+))?$/i.exec(instruction.args)!;
      stages.push({ name: m[2] ?? String(stages.length), from: m[1], instructions: [] });
    } else if (stages.length === 0 && instruction.op === "ARG") {
      const [k, v] = instruction.args.split("=");
      args[k] = v;
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** The arguments of every `op` instruction of a stage, in order. */
export const ops = (stage: Stage, op: string): string[] => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

/** A stage's `ENV k=v k=v` instructions (values without spaces, as this Dockerfile writes them). */
export const stageEnv = (stage: Stage): Record<string, string> =>
  Object.fromEntries(ops(stage, "ENV").flatMap((a) => a.split(" ").map((kv) => kv.split("=") as [string, string])));

/** Whether .dockerignore keeps `file` out of the build context: the pattern forms this repo uses (top-level names, `**\/*.ext`, `!` exceptions). */
export function isIgnored(file: string, patterns: string[]): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith("!");
    const p = negate ? raw.slice(1) : raw;
    const re = new RegExp(
      `^${p
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*\*\//g, "(.*/)?")
        .replace(/\*/g, "[^/]*")}(/.*)?$`,
    );
    if (re.test(file)) ignored = !negate;
  }
  return ignored;
}

export const parseDockerignore = (text: string): string[] =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
