"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { ApiTokenSummary } from "@/lib/auth/api-token";
import { hasRole, roles } from "@/lib/auth/roles";
import { adminButton, adminErrorBox, adminInput, adminRequest } from "./admin-api";
import { ApiError } from "./console-api";
import { useConsole } from "./console-context";
import { OneTimeSecret } from "./one-time-secret";
import { formatTime } from "./format";

function tokenState(t: ApiTokenSummary, now: number): string {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return "expired";
  return "active";
}

/** API tokens: list, create (the secret is shown once, right here) and revoke. */
export function AdminTokens({ tokens, now }: { tokens: ApiTokenSummary[]; now: number }) {
  const router = useRouter();
  const { user, csrfToken } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);

  async function run<T>(call: () => Promise<T>): Promise<T | null> {
    setBusy(true);
    setError(null);
    try {
      const result = await call();
      router.refresh();
      return result;
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const days = String(f.get("days") ?? "").trim();
    const body = { name: f.get("name"), role: f.get("role"), ...(days ? { expiresInDays: Number(days) } : {}) };
    const created = await run(() => adminRequest<{ token: ApiTokenSummary; secret: string }>(csrfToken, "POST", "/api/v1/tokens", body));
    if (created) {
      setSecret({ name: created.token.name, value: created.secret });
      form.reset();
    }
  }

  return (
    <section aria-labelledby="tokens-heading" className="space-y-3">
      <h2 id="tokens-heading" className="text-lg font-semibold">
        API tokens
      </h2>
      {error && (
        <p role="alert" className={adminErrorBox}>
          {error}
        </p>
      )}
      {secret && (
        <OneTimeSecret value={secret.value} testId="new-token-secret" onDone={() => setSecret(null)}>
          Token <strong>{secret.name}</strong> created. Copy it now: it is not shown again.
        </OneTimeSecret>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm" aria-label="API tokens">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Prefix</th>
              <th className="px-3 py-2">Role</th>
              <th className="px-3 py-2">Created</th>
              <th className="px-3 py-2">Last used</th>
              <th className="px-3 py-2">Expires</th>
              <th className="px-3 py-2">State</th>
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 && (
              <tr>
                <td colSpan={7} className="px-3 py-3 text-slate-500">
                  No API tokens yet.
                </td>
              </tr>
            )}
            {tokens.map((t) => {
              const state = tokenState(t, now);
              return (
                <tr key={t.id} className="border-t border-slate-100 dark:border-slate-800">
                  <td className="px-3 py-2 font-medium">{t.name}</td>
                  <td className="px-3 py-2 font-mono text-xs">{t.prefix}…</td>
                  <td className="px-3 py-2">{t.role}</td>
                  <td className="px-3 py-2 text-slate-500">
                    {formatTime(t.createdAt)} by {t.createdBy}
                  </td>
                  <td className="px-3 py-2 text-slate-500">{t.lastUsedAt ? formatTime(t.lastUsedAt) : "never"}</td>
                  <td className="px-3 py-2 text-slate-500">{t.expiresAt ? formatTime(t.expiresAt) : "never"}</td>
                  <td className="px-3 py-2">
                    {state === "active" ? (
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() => void run(() => adminRequest(csrfToken, "DELETE", `/api/v1/tokens/${t.id}`))}
                        className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
                      >
                        Revoke
                      </button>
                    ) : (
                      <span className="text-slate-500">{state}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <form aria-label="Create API token" onSubmit={(e) => void create(e)} className="flex flex-wrap items-end gap-2 text-sm">
        <label className="block">
          <span className="block text-xs text-slate-500">Name</span>
          <input name="name" required maxLength={100} autoComplete="off" className={adminInput} />
        </label>
        <label className="block">
          <span className="block text-xs text-slate-500">Role</span>
          <select name="role" defaultValue="viewer" className={adminInput}>
            {roles
              .filter((r) => hasRole(user.role, r))
              .map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
          </select>
        </label>
        <label className="block">
          <span className="block text-xs text-slate-500">Expires in days (empty: never)</span>
          <input name="days" type="number" min={1} max={3650} className={adminInput} />
        </label>
        <button type="submit" disabled={busy} className={adminButton}>
          Create token
        </button>
      </form>
    </section>
  );
}
