import { z } from "zod";
import { requireRole, type Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/auth/record-audit";
import { ServiceError } from "@/lib/errors";
import { ingestSourcePayload, type SourceIngestContext, type SourceIngestResult } from "./ingest-source-payload";
import { signForSource } from "./sign-for-source";

export const testSourceInputSchema = z.object({ payload: z.string().min(2).max(256 * 1024) });

/**
 * An admin's test delivery: the payload is signed as the source's sender would sign it and taken
 * through the whole intake (verification, mapping, receipt, queue), so a wrong mapping shows its error
 * here and a right one opens a real case. Audited.
 */
export async function testSource({
  ctx,
  input,
}: {
  ctx: SourceIngestContext & { actor: Actor };
  input: { sourceId: string; payload: string };
}): Promise<SourceIngestResult> {
  requireRole(ctx.actor, "admin");
  const source = ctx.sources.find((s) => s.id === input.sourceId);
  if (!source) throw new ServiceError("not_found", `no alert source "${input.sourceId.slice(0, 64)}" is configured`);
  const now = ctx.now?.() ?? new Date();
  const result = await ingestSourcePayload({
    ctx,
    input: { sourceId: source.id, headers: signForSource(source, input.payload, now), body: Buffer.from(input.payload) },
  });
  await recordAudit({
    ctx,
    input: { caseId: null, action: "source.test", after: { source: source.id, received: result.received, enqueued: result.enqueued } },
  });
  return result;
}
