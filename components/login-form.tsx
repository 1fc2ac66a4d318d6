"use client";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";

const input = "mt-1 w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950";

export function LoginForm({ local, google, callbackUrl, messages }: { local: boolean; google: boolean; callbackUrl: string; messages: Record<string, string> }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", { username: f.get("username"), password: f.get("password"), redirect: false, callbackUrl });
    setBusy(false);
    if (res?.ok && !res.error) window.location.assign(callbackUrl);
    else setError(messages[res?.error ?? ""] ?? "Sign-in failed.");
  }

  return (
    <div className="mt-4 space-y-4">
      {error && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {error}
        </p>
      )}
      {local && (
        <form onSubmit={(e) => void onSubmit(e)} className="space-y-3" aria-label="Sign in with a Tarka account">
          <label className="block text-sm">
            Username
            <input name="username" autoComplete="username" required className={input} />
          </label>
          <label className="block text-sm">
            Password
            <input name="password" type="password" autoComplete="current-password" required className={input} />
          </label>
          <button type="submit" disabled={busy} className="w-full rounded bg-slate-900 py-1.5 text-sm text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900">
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      )}
      {google && (
        <button type="button" onClick={() => void signIn("google", { callbackUrl })} className="w-full rounded border border-slate-300 py-1.5 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Sign in with Google
        </button>
      )}
    </div>
  );
}
