import fs from "node:fs";

/** CPU time (user + system) process `pid` has used so far, in µs, from /proc (counted in 10 ms clock ticks). */
export function processCpuMicros(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
