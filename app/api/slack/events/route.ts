// POST /api/slack/events — Slack Events API: the URL check, and @Tarka mentions in a case's thread (answered there by the worker)
import { ServiceError } from "@/lib/errors";
import { receiveSlackEvent, slackEventEnvelopeSchema } from "@/lib/slack/receive-event";
import { slackRoute } from "../_lib/slack-route";

export const dynamic = "force-dynamic";

export const POST = slackRoute("events", async ({ rt, body }) => {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ServiceError("invalid_input", "body is not valid JSON");
  }
  const parsed = slackEventEnvelopeSchema.safeParse(json);
  if (!parsed.success) return new Response(null, { status: 200 });
  if (parsed.data.type === "url_verification") return Response.json({ challenge: parsed.data.challenge });
  if (!rt.slack) throw new ServiceError("not_found", "Slack is not configured (SLACK_BOT_TOKEN)");
  await receiveSlackEvent({ ctx: { db: rt.database.db }, input: parsed.data });
  return new Response(null, { status: 200 });
});
