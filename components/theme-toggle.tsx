"use client";
import { useEffect, useSyncExternalStore } from "react";
import { applyTheme, THEME_STORAGE_KEY, themes, type Theme } from "./theme";

const CHANGE_EVENT = "tarka-theme-change";

function readTheme(): Theme {
  const stored = localStorage.getItem(THEME_STORAGE_KEY);
  return themes.find((t) => t === stored) ?? "system";
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

/** Light / dark / system (the default); stored per browser, and "system" follows the OS setting live. */
export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribe, readTheme, () => "system" as const);

  useEffect(() => {
    applyTheme(theme);
    if (theme !== "system") return;
    const media = matchMedia("(prefers-color-scheme: dark)");
    const follow = () => applyTheme("system");
    media.addEventListener("change", follow);
    return () => media.removeEventListener("change", follow);
  }, [theme]);

  function choose(next: Theme) {
    if (next === "system") localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, next);
    window.dispatchEvent(new Event(CHANGE_EVENT));
  }

  return (
    <select
      aria-label="Theme"
      value={theme}
      onChange={(e) => choose(e.target.value as Theme)}
      className="rounded border border-slate-300 bg-white px-1.5 py-0.5 text-xs text-slate-600 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-300"
    >
      <option value="system">System theme</option>
      <option value="light">Light</option>
      <option value="dark">Dark</option>
    </select>
  );
}
