"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { UserSummary } from "@/lib/auth/list-users";
import { roles } from "@/lib/auth/roles";
import { adminButton, adminErrorBox, adminInput, adminRequest } from "./admin-api";
import { ApiError } from "./console-api";
import { useConsole } from "./console-context";
import { formatTime } from "./format";

/** Users table (role and enable/disable per row) and the create-local-user form; the server re-checks everything. */
export function AdminUsers({ users }: { users: UserSummary[] }) {
  const router = useRouter();
  const { user: me, csrfToken } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(call: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await call();
      router.refresh();
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const update = (id: string, body: { role?: string; disabled?: boolean }) => run(() => adminRequest(csrfToken, "PATCH", `/api/v1/users/${id}`, body));

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const ok = await run(() => adminRequest(csrfToken, "POST", "/api/v1/users", { username: f.get("username"), password: f.get("password"), role: f.get("role") }));
    if (ok) form.reset();
  }

  return (
    <section aria-labelledby="users-heading" className="space-y-3">
      <h2 id="users-heading" className="text-lg font-semibold">
        Users
      </h2>
      {error && (
        <p role="alert" className={adminErrorBox}>
          {error}
        </p>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm" aria-label="Users">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2">User</th>
              <th className="px-3 py-2">Sign-in</th>
              <th className="px-3 py-2">Role</th>
              <th className="px-3 py-2">Last sign-in</th>
              <th className="px-3 py-2">Status</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const self = u.username === me.username;
              return (
                <tr key={u.id} className="border-t border-slate-100 dark:border-slate-800">
                  <td className="px-3 py-2">
                    <div className="font-medium">{u.username}</div>
                    {u.email && u.email !== u.username && <div className="text-xs text-slate-500">{u.email}</div>}
                  </td>
                  <td className="px-3 py-2">{u.provider}</td>
                  <td className="px-3 py-2">
                    <select
                      aria-label={`Role of ${u.username}`}
                      value={u.role}
                      disabled={busy || self}
                      title={self ? "You cannot change your own role" : undefined}
                      onChange={(e) => void update(u.id, { role: e.target.value })}
                      className={adminInput}
                    >
                      {roles.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="px-3 py-2 text-slate-500">{u.lastLoginAt ? formatTime(u.lastLoginAt) : "never"}</td>
                  <td className="px-3 py-2">
                    {self ? (
                      <span className="text-slate-500">you</span>
                    ) : (
                      <button type="button" disabled={busy} onClick={() => void update(u.id, { disabled: !u.disabled })} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800">
                        {u.disabled ? "Enable" : "Disable"}
                      </button>
                    )}
                    {u.disabled && <span className="ml-2 text-xs text-red-700 dark:text-red-300">disabled</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <form aria-label="Create user" onSubmit={(e) => void create(e)} className="flex flex-wrap items-end gap-2 text-sm">
        <label className="block">
          <span className="block text-xs text-slate-500">Username</span>
          <input name="username" required autoComplete="off" className={adminInput} />
        </label>
        <label className="block">
          <span className="block text-xs text-slate-500">Password (12+ characters, not a common password or the username)</span>
          <input name="password" type="password" required minLength={12} autoComplete="new-password" className={adminInput} />
        </label>
        <label className="block">
          <span className="block text-xs text-slate-500">Role</span>
          <select name="role" defaultValue="viewer" className={adminInput}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy} className={adminButton}>
          Create user
        </button>
      </form>
    </section>
  );
}
