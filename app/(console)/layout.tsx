import Link from "next/link";
import type { ReactNode } from "react";
import { ConsoleProviders } from "@/components/console-context";
import { SignOutButton } from "@/components/sign-out-button";
import { ThemeToggle } from "@/components/theme-toggle";
import { hasRole } from "@/lib/auth/roles";
import { requirePageSession } from "./session";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { session } = await requirePageSession();
  const { actor } = session;
  return (
    <ConsoleProviders user={{ username: actor.username, name: actor.name, role: actor.role }} csrfToken={session.csrfToken}>
      {session.authMode === "disabled" && (
        <div role="status" className="bg-amber-100 px-4 py-1.5 text-center text-sm font-medium text-amber-900 dark:bg-amber-900/60 dark:text-amber-100">
          Authentication is disabled — trusted network only
        </div>
      )}
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <nav aria-label="Main" className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-2.5 text-sm">
          <Link href="/" className="text-base font-semibold tracking-tight">
            Tarka
          </Link>
          <Link href="/" className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white">
            Inbox
          </Link>
          <Link href="/dashboard" className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white">
            Dashboard
          </Link>
          <Link href="/chat" className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white">
            Chat
          </Link>
          {hasRole(actor.role, "admin") && (
            <Link href="/admin" className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white">
              Admin
            </Link>
          )}
          <span className="ml-auto text-slate-500" data-testid="current-user">
            {actor.name ?? actor.username} · {actor.role}
          </span>
          <ThemeToggle />
          {session.authMode !== "disabled" && <SignOutButton />}
        </nav>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-5">{children}</main>
    </ConsoleProviders>
  );
}
