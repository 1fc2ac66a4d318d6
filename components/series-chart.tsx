import type { MetricSeries } from "@/lib/investigate/report";
import { formatValue } from "@/lib/investigate/units";

const W = 560;
const H = 140;
const PAD = { l: 4, r: 4, t: 14, b: 18 };

/** One metric series as an inline SVG line, with its threshold when the report has one. */
export function SeriesChart({ series }: { series: MetricSeries }) {
  const pts = series.points;
  if (pts.length === 0) {
    return <p className="text-sm text-slate-500">No samples in the window.</p>;
  }
  const xs = pts.map((p) => p[0]);
  const values = pts.map((p) => p[1]).concat(series.threshold === undefined ? [] : [series.threshold]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const y0 = Math.min(0, ...values);
  const y1 = Math.max(...values) === y0 ? y0 + 1 : Math.max(...values);
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0 || 1)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const d = pts.map((p, i) => `${i ? "L" : "M"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(" ");
  const time = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${series.title}: ${pts.length} samples, last ${formatValue(pts[pts.length - 1][1], series.unit)}`} className="w-full text-sky-600 dark:text-sky-400" data-testid="series-chart">
        <line x1={PAD.l} x2={W - PAD.r} y1={sy(y0)} y2={sy(y0)} className="stroke-slate-300 dark:stroke-slate-700" />
        <line x1={PAD.l} x2={W - PAD.r} y1={sy(y1)} y2={sy(y1)} strokeDasharray="2 4" className="stroke-slate-200 dark:stroke-slate-800" />
        <text x={PAD.l} y={sy(y1) - 3} className="fill-slate-500 text-[9px]">
          {formatValue(y1, series.unit)}
        </text>
        <text x={PAD.l} y={H - 4} className="fill-slate-500 text-[9px]">
          {time(x0)}
        </text>
        <text x={W - PAD.r} y={H - 4} textAnchor="end" className="fill-slate-500 text-[9px]">
          {time(x1)} UTC
        </text>
        {series.threshold !== undefined && (
          <line x1={PAD.l} x2={W - PAD.r} y1={sy(series.threshold)} y2={sy(series.threshold)} strokeDasharray="4 3" className="stroke-red-500" />
        )}
        <path d={d} fill="none" stroke="currentColor" strokeWidth={1.5} />
      </svg>
      <figcaption className="mt-1 text-xs text-slate-500">
        {series.title}
        {series.stats && ` — min ${formatValue(series.stats.min, series.unit)}, max ${formatValue(series.stats.max, series.unit)}, last ${formatValue(series.stats.last, series.unit)}`}
      </figcaption>
    </figure>
  );
}
