import type { Features } from "../features";
import type { SeriesStats } from "../report";

/** How a series moved over the window, beyond first/last: steady growth and sudden jumps look different. */
export type Trend = SeriesStats & {
  /** Largest single step up, as a share of the window's range (near 1: one jump did it). */
  jumpShare: number;
  /** Mean of the first, middle and last third of the window rise one after the other. */
  rising: boolean;
  /** Mean of the last third over the mean of the first third. */
  growth: number;
  /** Change per hour between the first and the last point's timestamps. */
  perHour: number;
};

function mean(xs: number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

export function trendOf(f: Features, id: string): Trend | null {
  const s = f.evidence.metrics.series.find((x) => x.id === id);
  if (!s?.stats) return null;
  const finite = s.points.filter((p) => Number.isFinite(p[1]));
  const values = finite.map((p) => p[1]);
  let biggest = 0;
  for (let i = 1; i < values.length; i++) biggest = Math.max(biggest, (values[i] as number) - (values[i - 1] as number));
  const range = s.stats.max - s.stats.min;
  const third = Math.max(1, Math.floor(values.length / 3));
  const head = mean(values.slice(0, third)) ?? 0;
  const mid = mean(values.slice(third, values.length - third));
  const tail = mean(values.slice(-third)) ?? 0;
  const spanSeconds = finite.length > 1 ? (finite[finite.length - 1] as [number, number])[0] - (finite[0] as [number, number])[0] : 0;
  const hours = Math.max(1 / 60, spanSeconds / 3600);
  return {
    ...s.stats,
    jumpShare: range > 0 ? biggest / range : 0,
    rising: mid === null ? head < tail : head < mid && mid < tail,
    growth: head > 0 ? tail / head : tail > 0 ? Number.POSITIVE_INFINITY : 1,
    perHour: (s.stats.last - s.stats.first) / hours,
  };
}

/** Duration in the unit people say out loud. */
export function formatSeconds(seconds: number): string {
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? "-" : "";
  if (s >= 2 * 86_400) return `${sign}${(s / 86_400).toFixed(1)} days`;
  if (s >= 2 * 3_600) return `${sign}${(s / 3_600).toFixed(1)} h`;
  if (s >= 120) return `${sign}${Math.round(s / 60)} min`;
  return `${sign}${Math.round(s)} s`;
}
