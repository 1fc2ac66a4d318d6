// GET /admin — users (role, enable/disable, create), API tokens (create, revoke), alert sources (view, test), outbound webhooks (add, remove, delivery log); admins only
import type { Metadata } from "next";
import { AdminSources } from "@/components/admin-sources";
import { AdminTokens } from "@/components/admin-tokens";
import { AdminUsers } from "@/components/admin-users";
import { AdminWebhooks } from "@/components/admin-webhooks";
import { hasRole } from "@/lib/auth/roles";
import { listApiTokens } from "@/lib/auth/list-api-tokens";
import { listUsers } from "@/lib/auth/list-users";
import { configuredSources } from "@/lib/sources/configured-sources";
import { listSources } from "@/lib/sources/list-sources";
import { requirePageSession } from "../session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const { rt, session } = await requirePageSession();
  const { actor } = session;
  if (!hasRole(actor.role, "admin")) {
    return <p className="text-sm text-slate-500">Managing users and API tokens needs the admin role; you are {actor.role}.</p>;
  }
  const ctx = { db: rt.database.db, actor };
  const [users, tokens] = await Promise.all([listUsers({ ctx }), listApiTokens({ ctx })]);
  const now = new Date();
  const sources = listSources({ ctx: { actor, sources: configuredSources(rt.env), now } });
  return (
    <div className="space-y-8">
      <h1 className="text-xl font-semibold">Admin</h1>
      <AdminUsers users={users.items} />
      <AdminTokens tokens={tokens.items} now={now.getTime()} />
      <AdminSources sources={sources.items} />
      <AdminWebhooks />
    </div>
  );
}
