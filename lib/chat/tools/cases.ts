import { z } from "zod";
import { displayStatuses } from "@/lib/cases/case-state";
import { listCases } from "@/lib/cases/list-cases";
import { defineTool } from "./chat-tool";

export const searchCasesTool = defineTool({
  name: "search_cases",
  description: "Search Tarka's cases (newest first): free text, namespace, family (e.g. oom_killed, crashloop), status, and how many days back.",
  input: z.object({
    text: z.string().max(200).optional(),
    namespace: z.string().max(63).optional(),
    family: z.string().max(63).optional(),
    status: z.enum(displayStatuses).optional(),
    days: z.number().int().min(1).max(90).default(7),
  }),
  scopes: ["case", "global"],
  async run(ctx, input) {
    const since = new Date(ctx.now.getTime() - input.days * 86_400_000).toISOString();
    const { items } = await listCases({
      ctx: { db: ctx.db, actor: ctx.actor, now: ctx.now },
      input: {
        q: input.text,
        namespace: input.namespace ? [input.namespace] : undefined,
        family: input.family ? [input.family] : undefined,
        status: input.status ? [input.status] : undefined,
        since,
        sort: "last_seen_desc",
        limit: 20,
      },
    });
    if (items.length === 0) return { outcome: "empty", summary: "no cases match", view: null };
    const rows = items.map((c) => [c.lastSeenAt.slice(0, 16).replace("T", " "), c.status, c.family, c.namespace ?? "", c.title, c.id]);
    return {
      outcome: "ok",
      summary: `${items.length} cases:\n${rows.map((r) => `${r[0]} ${r[1]} ${r[2]} ${r[3]}: ${r[4]} (case ${r[5]})`).join("\n")}`,
      view: { kind: "table", columns: ["last seen", "status", "family", "namespace", "title", "id"], rows },
    };
  },
});
