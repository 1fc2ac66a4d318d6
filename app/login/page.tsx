// GET /login — sign-in (local account and/or Google), and the refusal messages
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { sameOriginPath } from "@/lib/auth/same-origin-path";
import { LoginForm } from "@/components/login-form";
import { getWebRuntime } from "@/lib/web-runtime";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

const messages: Record<string, string> = {
  domain_not_allowed: "This account's e-mail domain is not allowed to use this console. Ask an administrator to add it to AUTH_ALLOWED_DOMAINS.",
  unverified_email: "Your identity provider did not confirm this e-mail address, so it cannot be used to sign in.",
  no_domains_configured: "Google sign-in is not open yet: no e-mail domains are allowed (AUTH_ALLOWED_DOMAINS is empty).",
  account_disabled: "This account is disabled.",
  account_conflict: "This e-mail belongs to a local account; sign in with your username and password.",
  CredentialsSignin: "Wrong username or password.",
  rate_limited: "Too many failed sign-in attempts from here: wait a little before the next one (the wait doubles with each failure).",
  AccessDenied: "Access denied.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const rt = await getWebRuntime();
  const mode = rt.env.AUTH_MODE;
  if (mode === "disabled") redirect("/");
  const sp = await searchParams;
  const code = typeof sp.error === "string" ? sp.error : null;
  const callbackUrl = sameOriginPath(sp.callbackUrl);
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
      <h1 className="text-xl font-semibold">Sign in to Tarka</h1>
      {code && (
        <p role="alert" className="mt-4 rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {messages[code] ?? "Sign-in failed."}
        </p>
      )}
      <LoginForm local={mode === "basic" || mode === "both"} google={mode === "oidc" || mode === "both"} callbackUrl={callbackUrl} messages={messages} />
    </main>
  );
}
