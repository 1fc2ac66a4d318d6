// GET / — the inbox
import type { Metadata } from "next";
import { Inbox } from "@/components/inbox";
import { caseFacets } from "@/lib/cases/case-facets";
import { listCases, listCasesQuerySchema } from "@/lib/cases/list-cases";
import { errorMessage } from "@/lib/errors";
import { requirePageSession } from "./session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Inbox" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function InboxPage({ searchParams }: { searchParams: SearchParams }) {
  const { rt, session } = await requirePageSession();
  const raw = Object.fromEntries(Object.entries(await searchParams).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
  const filters = new URLSearchParams(raw).toString();
  const parsed = listCasesQuerySchema.safeParse(raw);
  if (!parsed.success) {
    return <Inbox key={filters} filters={filters} initial={null} facets={null} error={`Invalid filter: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`} />;
  }
  const ctx = { db: rt.database.db, actor: session.actor, now: new Date() };
  const loaded = await Promise.all([listCases({ ctx, input: parsed.data }), caseFacets({ ctx, input: { ...parsed.data, status: undefined } })]).then(
    ([page, facets]) => ({ page, facets, error: null }),
    (e: unknown) => ({ page: null, facets: null, error: errorMessage(e) }),
  );
  return <Inbox key={filters} filters={filters} initial={loaded.page} facets={loaded.facets} error={loaded.error} />;
}
