/** Numbers the way people read them in reports and the console; the JSON keeps raw values. */

const binary: Array<[number, string]> = [
  [2 ** 40, "TiB"],
  [2 ** 30, "GiB"],
  [2 ** 20, "MiB"],
  [2 ** 10, "KiB"],
];

function trim(v: number, digits: number): string {
  return String(Number(v.toFixed(digits)));
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "?";
  const abs = Math.abs(bytes);
  for (const [size, unit] of binary) if (abs >= size) return `${trim(bytes / size, abs >= 10 * size ? 0 : 1)} ${unit}`;
  return `${Math.round(bytes)} B`;
}

/** `1.5 cores`, `250m` (millicores) below one core. */
export function formatCores(cores: number): string {
  if (!Number.isFinite(cores)) return "?";
  if (Math.abs(cores) < 1) return `${Math.round(cores * 1000)}m`;
  return `${trim(cores, 2)} ${cores === 1 ? "core" : "cores"}`;
}

/** A 0–1 ratio as a percentage. */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return "?";
  const p = ratio * 100;
  return `${Math.abs(p) < 10 && p !== 0 ? trim(p, 1) : Math.round(p)}%`;
}

/** Seconds as ms / s / min / h / days. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? "-" : "";
  if (s < 1) return `${sign}${trim(s * 1000, s < 0.01 ? 1 : 0)} ms`;
  if (s < 120) return `${sign}${trim(s, 1)} s`;
  if (s < 2 * 3_600) return `${sign}${Math.round(s / 60)} min`;
  if (s < 2 * 86_400) return `${sign}${trim(s / 3_600, 1)} h`;
  return `${sign}${trim(s / 86_400, 1)} days`;
}

/** A value in the unit a series or quota is measured in. */
export function formatValue(value: number, unit: string): string {
  switch (unit) {
    case "bytes":
      return formatBytes(value);
    case "bytes/s":
      return `${formatBytes(value)}/s`;
    case "cores":
      return formatCores(value);
    case "ratio":
      return formatPercent(value);
    case "seconds":
    case "s":
      return formatDuration(value);
    default: {
      const abs = Math.abs(value);
      const v = abs >= 100 ? String(Math.round(value)) : trim(value, abs >= 1 ? 2 : 3);
      return unit && !["value", "bool", "load"].includes(unit) ? `${v} ${unit}` : v;
    }
  }
}

/** A Kubernetes quantity string (`500m`, `2`, `8Gi`, `1e3`) as a number. */
export function parseQuantity(q: string | undefined): number | null {
  if (!q) return null;
  const m = /^([+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(m|Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(q.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const scale: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
  return m[2] ? n * (scale[m[2]] as number) : n;
}

/** A quota or request resource's value in human units: memory/storage in bytes, cpu in cores, counts as is. */
export function formatResource(resource: string, value: number): string {
  if (/memory|storage/.test(resource)) return formatBytes(value);
  if (/cpu/.test(resource)) return formatCores(value);
  return String(Math.round(value * 100) / 100);
}
