"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { CaseFacets } from "@/lib/cases/case-facets";
import type { CaseSummary } from "@/lib/cases/list-cases";
import { Badge } from "./badge";
import { caseListOptions, fetchCaseList, type CaseList } from "./console-api";
import { formatAge } from "./format";
import { useHydrated } from "./use-hydrated";

const POLL_MS = 15_000;
const statusTabs = [
  { value: "", label: "All" },
  { value: "open", label: "Open" },
  { value: "snoozed", label: "Snoozed" },
  { value: "resolved", label: "Resolved" },
];
const facetNames = ["family", "classification", "severity", "namespace", "cluster", "team"] as const;

function fingerprint(items: CaseSummary[]): Map<string, string> {
  return new Map(items.map((c) => [c.id, `${c.lastSeenAt}|${c.status}|${c.runCount}|${c.classification}`]));
}

/** Rows that are new or changed in `next` compared with what is on screen. */
function countUpdates(shown: CaseSummary[], next: CaseSummary[]): number {
  const before = fingerprint(shown);
  return next.filter((c) => before.get(c.id) !== fingerprint([c]).get(c.id)).length;
}

export function Inbox({ filters, initial, facets, error }: { filters: string; initial: CaseList | null; facets: CaseFacets | null; error: string | null }) {
  const router = useRouter();
  const params = useMemo(() => new URLSearchParams(filters), [filters]);
  const [shown, setShown] = useState<CaseSummary[]>(initial?.items ?? []);
  const [cursor, setCursor] = useState<string | null>(initial?.nextCursor ?? null);
  const [more, setMore] = useState<CaseSummary[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [selected, setSelected] = useState(0);
  // The shortcuts work once hydrated; their hint appears then, not with the server-rendered rows.
  const keysLive = useHydrated();
  const searchRef = useRef<HTMLInputElement>(null);
  const rowsRef = useRef<HTMLTableSectionElement>(null);
  const [initialAt] = useState(() => Date.now());

  const polled = useQuery({
    ...caseListOptions(filters),
    initialData: initial ?? undefined,
    initialDataUpdatedAt: initialAt,
    refetchInterval: POLL_MS,
    enabled: initial !== null,
  });
  const updates = polled.data ? countUpdates(shown, polled.data.items) : 0;
  const rows = useMemo(() => [...shown, ...more.filter((m) => !shown.some((s) => s.id === m.id))], [shown, more]);

  const navigate = useCallback(
    (next: URLSearchParams) => {
      next.delete("cursor");
      const qs = next.toString();
      router.push(qs ? `/?${qs}` : "/");
    },
    [router],
  );

  const toggle = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    const current = (next.get(name) ?? "").split(",").filter(Boolean);
    const values = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
    if (values.length) next.set(name, values.join(","));
    else next.delete(name);
    navigate(next);
  };

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const next = new URLSearchParams(params);
      next.set("cursor", cursor);
      const page = await fetchCaseList(next.toString());
      setMore((m) => [...m, ...page.items]);
      setCursor(page.nextCursor);
    } finally {
      setLoadingMore(false);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest("input, textarea, select, button, [contenteditable]")) return;
      if (e.key === "/") {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (e.key === "j") {
        setSelected((s) => Math.min(rows.length - 1, s + 1));
      } else if (e.key === "k") {
        setSelected((s) => Math.max(0, s - 1));
      } else if (e.key === "Enter" && rows[selected]) {
        router.push(`/cases/${rows[selected].id}`);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [rows, selected, router]);

  useEffect(() => {
    rowsRef.current?.querySelector(`[data-index="${selected}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  const status = params.get("status") ?? "";
  return (
    <div className="flex gap-6">
      <aside aria-label="Filters" className="hidden w-52 shrink-0 space-y-4 text-sm lg:block">
        {facets &&
          facetNames.map((name) =>
            facets[name].length === 0 ? null : (
              <fieldset key={name}>
                <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{name}</legend>
                <ul className="space-y-0.5">
                  {facets[name].slice(0, 12).map((f) => {
                    const active = (params.get(name) ?? "").split(",").includes(f.value);
                    return (
                      <li key={f.value}>
                        <label className="flex cursor-pointer items-center gap-2 rounded px-1 hover:bg-slate-100 dark:hover:bg-slate-800">
                          <input type="checkbox" checked={active} onChange={() => toggle(name, f.value)} aria-label={`${name} ${f.value}`} />
                          <span className="truncate">{f.value}</span>
                          <span className="ml-auto text-xs text-slate-500">{f.count}</span>
                        </label>
                      </li>
                    );
                  })}
                </ul>
              </fieldset>
            ),
          )}
      </aside>
      <section className="min-w-0 flex-1">
        <form
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            const q = new FormData(e.currentTarget).get("q")?.toString().trim() ?? "";
            const next = new URLSearchParams(params);
            if (q) next.set("q", q);
            else next.delete("q");
            navigate(next);
          }}
          className="flex gap-2"
        >
          <label htmlFor="case-search" className="sr-only">
            Search cases
          </label>
          <input
            id="case-search"
            ref={searchRef}
            name="q"
            defaultValue={params.get("q") ?? ""}
            placeholder="Search — ns:payments pod:api-7d svc:checkout alert:KubePodCrashLooping or free text   ( / )"
            className="w-full rounded border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
          />
          <button type="submit" className="rounded bg-slate-900 px-3 py-1.5 text-sm text-white dark:bg-slate-100 dark:text-slate-900">
            Search
          </button>
        </form>
        <div className="mt-3 flex items-center gap-1 text-sm" role="tablist" aria-label="Status">
          {statusTabs.map((t) => (
            <button
              key={t.label}
              role="tab"
              aria-selected={status === t.value}
              onClick={() => {
                const next = new URLSearchParams(params);
                if (t.value) next.set("status", t.value);
                else next.delete("status");
                navigate(next);
              }}
              className={`rounded px-2.5 py-1 ${status === t.value ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "hover:bg-slate-200 dark:hover:bg-slate-800"}`}
            >
              {t.label}
            </button>
          ))}
          {keysLive && <span className="ml-auto text-xs text-slate-500">j/k move · Enter open · / search</span>}
        </div>
        {updates > 0 && polled.data && (
          <button
            type="button"
            onClick={() => {
              setShown(polled.data.items);
              setMore([]);
              setCursor(polled.data.nextCursor);
            }}
            className="mt-3 w-full rounded border border-sky-300 bg-sky-50 py-1 text-sm text-sky-800 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-200"
          >
            {updates} update{updates === 1 ? "" : "s"} — show
          </button>
        )}
        {error ? (
          <p role="alert" className="mt-6 rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
            Could not load cases: {error}
          </p>
        ) : rows.length === 0 ? (
          <div className="mt-10 text-center text-sm text-slate-500">
            {filters ? (
              <p>No cases match these filters.</p>
            ) : (
              <p>
                No cases yet. Point Alertmanager at <code>POST /alerts</code>, or post <code>docs/examples/alertmanager-firing.json</code> to see one.
              </p>
            )}
          </div>
        ) : (
          <table className="mt-3 w-full table-fixed text-left text-sm" aria-label="Cases">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="w-[40%] py-1.5 pl-2">Case</th>
                <th>Family</th>
                <th>Target</th>
                <th>Status</th>
                <th>Verdict</th>
                <th>Severity</th>
                <th className="w-12">Age</th>
                <th className="w-12 text-right pr-2">Runs</th>
              </tr>
            </thead>
            <tbody ref={rowsRef}>
              {rows.map((c, i) => (
                <tr
                  key={c.id}
                  data-index={i}
                  aria-selected={i === selected}
                  onClick={() => setSelected(i)}
                  className={`border-t border-slate-200 dark:border-slate-800 ${i === selected ? "bg-sky-50 dark:bg-sky-950/60" : "hover:bg-slate-100 dark:hover:bg-slate-900"}`}
                >
                  <td className="py-1.5 pl-2">
                    <Link href={`/cases/${c.id}`} className="block truncate font-medium hover:underline">
                      {c.title}
                    </Link>
                    <div className="truncate text-xs text-slate-500">{c.oneLiner}</div>
                  </td>
                  <td className="truncate">{c.family}</td>
                  <td className="truncate font-mono text-xs" title={c.targetName ?? ""}>
                    {c.namespace ? `${c.namespace}/` : ""}
                    {c.targetName ?? "—"}
                  </td>
                  <td>
                    <Badge value={c.status} />
                  </td>
                  <td>
                    <Badge value={c.classification} />
                  </td>
                  <td>
                    <Badge value={c.severity} />
                  </td>
                  <td className="text-xs text-slate-500" title={c.lastSeenAt} suppressHydrationWarning>
                    {formatAge(c.lastSeenAt)}
                  </td>
                  <td className="pr-2 text-right tabular-nums">{c.runCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cursor && !error && (
          <button type="button" onClick={() => void loadMore()} disabled={loadingMore} className="mt-3 rounded px-3 py-1 text-sm text-sky-700 hover:underline dark:text-sky-300">
            {loadingMore ? "Loading…" : "Load more"}
          </button>
        )}
      </section>
    </div>
  );
}
