// GET /api/v1/runs/:id/report — the report JSON; ?format=md for the Markdown file
import { z } from "zod";
import { getRunReport, reportFormats } from "@/lib/cases/get-run-report";
import { consoleRoute, parseQuery } from "../../../_lib/console-route";

export const dynamic = "force-dynamic";

const querySchema = z.object({ format: z.enum(reportFormats).default("json") });

export const GET = consoleRoute<{ id: string }>({ mutating: false }, async ({ rt, actor, req, params }) => {
  const { format } = parseQuery(req, querySchema);
  const out = await getRunReport({ ctx: { db: rt.database.db, store: rt.store, actor }, input: { runId: params.id, format } });
  if (out.format === "json") return Response.json(out.report);
  return new Response(out.markdown, {
    headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="${out.filename.replace(/[^\w.-]/g, "_")}"` },
  });
});
