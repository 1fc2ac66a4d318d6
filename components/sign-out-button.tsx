"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { useHydrated } from "./use-hydrated";

export function SignOutButton() {
  // Disabled until hydrated: a click on the server-rendered button would otherwise do nothing.
  const ready = useHydrated();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={!ready || busy}
      onClick={() => {
        setBusy(true);
        void signOut({ callbackUrl: "/login" }).catch(() => setBusy(false));
      }}
      className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100 disabled:opacity-60 dark:text-slate-300 dark:hover:bg-slate-800"
    >
      {busy ? "Signing out…" : "Sign out"}
    </button>
  );
}
