/** "5m", "3h", "2d": compact ages for dense tables. */
export function formatAge(iso: string, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toISOString().replace("T", " ").slice(0, 19) + "Z";
}

const tones: Record<string, string> = {
  actionable: "bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200",
  informational: "bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200",
  noisy: "bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200",
  artifact: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  open: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200",
  snoozed: "bg-violet-100 text-violet-800 dark:bg-violet-900/50 dark:text-violet-200",
  resolved: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  critical: "bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200",
  warning: "bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200",
  failed: "bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200",
  succeeded: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200",
};

export function toneOf(value: string | null | undefined): string {
  return (value && tones[value]) || "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300";
}
