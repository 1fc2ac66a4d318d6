import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GoogleProvider from "next-auth/providers/google";
import { isServiceError, ServiceError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { exportNextAuthUrl, type Env } from "@/lib/env";
import { clientAddress, peerAddress, trustedProxies, type TrustedProxies } from "@/lib/http/client-address";
import type { Logger } from "@/lib/log";
import type { Metrics } from "@/lib/metrics";
import { ensureInitialAdmin } from "./ensure-initial-admin";
import { checkAllowedDomain, findUserId, upsertOidcUser, type OidcProfile } from "./oidc-user";
import { createSession, revokeSession, SESSION_MAX_AGE_SECONDS } from "./sessions";
import { verifyCredentials } from "./verify-credentials";
import { sameOriginPath } from "./same-origin-path";

/** What sign-in needs of the web runtime (lib/runtime.ts composes it above lib/auth). */
type AuthRuntime = { env: Env; database: { db: Db }; log: Logger; metrics: Pick<Metrics, "loginAttempts"> };

const ADMIN_KEY = Symbol.for("tarka.initial-admin");
type Holder = { [ADMIN_KEY]?: Promise<unknown> };

/** The sign-in's client address: the socket peer, or X-Forwarded-For read through TRUSTED_PROXIES only. */
function signInAddress(headers: Record<string, unknown> | undefined, trusted: TrustedProxies): string {
  const forwarded = headers?.["x-forwarded-for"];
  return clientAddress({ peer: peerAddress(headers), forwardedFor: typeof forwarded === "string" ? forwarded : null, trusted });
}

/** next-auth configuration for AUTH_MODE basic, oidc or both; sessions are rows, the JWT holds only their id. */
export async function getAuthOptions(rt: AuthRuntime): Promise<NextAuthOptions> {
  const { env } = rt;
  if (env.AUTH_MODE === "disabled") throw new ServiceError("not_found", "authentication is disabled");
  if (!env.AUTH_SESSION_SECRET) throw new ServiceError("unavailable", "AUTH_SESSION_SECRET must be set when AUTH_MODE is not disabled");
  exportNextAuthUrl(env);
  const db = rt.database.db;
  const providers: NextAuthOptions["providers"] = [];

  if (env.AUTH_MODE === "basic" || env.AUTH_MODE === "both") {
    const holder = globalThis as Holder;
    holder[ADMIN_KEY] ??= ensureInitialAdmin({
      ctx: { db },
      input: { username: env.ADMIN_INITIAL_USERNAME, password: env.ADMIN_INITIAL_PASSWORD },
    }).then(
      (r) => rt.log.info({ result: r }, "initial admin"),
      (e: unknown) => {
        delete holder[ADMIN_KEY];
        rt.log.error({ err: e instanceof Error ? e.message : String(e) }, "could not create the initial admin");
      },
    );
    await holder[ADMIN_KEY];
    const trusted = trustedProxies(env.TRUSTED_PROXIES);
    providers.push(
      CredentialsProvider({
        id: "credentials",
        name: "Tarka account",
        credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          if (!credentials?.username || !credentials.password) return null;
          try {
            const user = await verifyCredentials({
              ctx: { db, now: new Date(), log: rt.log, metrics: rt.metrics },
              input: { username: credentials.username, password: credentials.password, address: signInAddress(req.headers, trusted) },
            });
            return user ? { id: user.id, name: user.name ?? user.username, email: user.username } : null;
          } catch (e) {
            if (isServiceError(e) && e.code === "rate_limited") throw new Error("rate_limited");
            throw e;
          }
        },
      }),
    );
  }

  if (env.AUTH_MODE === "oidc" || env.AUTH_MODE === "both") {
    if (!env.GOOGLE_OAUTH_CLIENT_ID || !env.GOOGLE_OAUTH_CLIENT_SECRET) {
      throw new ServiceError("unavailable", "GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET must be set for AUTH_MODE oidc/both");
    }
    const issuer = env.AUTH_OIDC_ISSUER_URL?.replace(/\/$/, "");
    providers.push(
      GoogleProvider({
        clientId: env.GOOGLE_OAUTH_CLIENT_ID,
        clientSecret: env.GOOGLE_OAUTH_CLIENT_SECRET,
        ...(issuer ? { issuer, wellKnown: `${issuer}/.well-known/openid-configuration` } : {}),
      }),
    );
  }

  return {
    secret: env.AUTH_SESSION_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers,
    callbacks: {
      // next-auth's default keeps any URL that starts with "/", "//evil.example" included.
      redirect({ url, baseUrl }) {
        const path = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url;
        return `${baseUrl}${sameOriginPath(path)}`;
      },
      async signIn({ account, profile }) {
        if (account?.provider !== "google") return true;
        const verdict = checkAllowedDomain((profile ?? {}) as OidcProfile, env.AUTH_ALLOWED_DOMAINS);
        if (!verdict.ok) {
          rt.log.warn({ email: profile?.email, reason: verdict.reason }, "OIDC sign-in refused");
          return `/login?error=${verdict.reason}`;
        }
        try {
          await upsertOidcUser({ ctx: { db, now: new Date() }, input: { email: verdict.email, name: profile?.name ?? null } });
          return true;
        } catch (e) {
          if (isServiceError(e)) return `/login?error=${e.code === "forbidden" ? "account_disabled" : "account_conflict"}`;
          throw e;
        }
      },
      async jwt({ token, user, account }) {
        if (!account) return token;
        const userId = account.provider === "credentials" ? user.id : await findUserId({ ctx: { db }, input: { username: token.email ?? "" } });
        if (!userId) throw new Error("signed-in user has no account row");
        const session = await createSession({ ctx: { db, now: new Date() }, input: { userId } });
        return { ...token, sid: session.id };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await revokeSession({ ctx: { db, now: new Date() }, input: { sessionId: token.sid } });
      },
    },
  };
}
