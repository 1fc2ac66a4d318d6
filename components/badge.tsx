import { toneOf } from "./format";

export function Badge({ value, label }: { value: string | null | undefined; label?: string }) {
  if (!value) return <span className="text-slate-400">—</span>;
  return <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${toneOf(value)}`}>{label ?? value}</span>;
}
