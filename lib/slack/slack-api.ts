import { LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient, type ChatPostMessageArguments } from "@slack/web-api";
import { ServiceError, errorMessage } from "@/lib/errors";
import { redactText } from "@/lib/redact";

export type SlackBlock = NonNullable<Extract<ChatPostMessageArguments, { blocks: unknown }>["blocks"]>[number];
export type SlackMessage = { text: string; blocks?: SlackBlock[] };

/** The Slack Web API calls Tarka makes; nothing else imports @slack/web-api. */
export type SlackApi = {
  postMessage(input: { channel: string; threadTs?: string } & SlackMessage): Promise<{ channel: string; ts: string }>;
  updateMessage(input: { channel: string; ts: string } & SlackMessage): Promise<void>;
  postEphemeral(input: { channel: string; user: string; threadTs?: string; text: string }): Promise<void>;
  permalink(input: { channel: string; ts: string }): Promise<string | null>;
  /** The e-mail of a Slack user (needs the users:read.email scope), or null when the profile has none. */
  userEmail(userId: string): Promise<string | null>;
};

/** Slack platform errors that mean "try again later"; every other `error` is a refusal that retrying will not change. */
const TRANSIENT_PLATFORM_ERRORS = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"]);

/** Slack's failures in the shared vocabulary: rate_limited (with retryAfterMs) and unavailable are retried, the rest are not. */
export function slackError(e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  if (e instanceof WebAPIRateLimitedError) {
    return new ServiceError("rate_limited", `Slack rate limit; retry after ${e.retryAfter}s`, { details: { retryAfterMs: e.retryAfter * 1000 } });
  }
  if (e instanceof WebAPIHTTPError) {
    const code = e.statusCode >= 500 ? "unavailable" : "invalid_input";
    return new ServiceError(code, `Slack answered HTTP ${e.statusCode}`, { details: { responseCode: e.statusCode } });
  }
  if (e instanceof WebAPIPlatformError) {
    const error = String(e.data.error);
    if (error === "ratelimited") return new ServiceError("rate_limited", "Slack rate limit", { details: { retryAfterMs: 30_000 } });
    return new ServiceError(TRANSIENT_PLATFORM_ERRORS.has(error) ? "unavailable" : "invalid_input", `Slack refused: ${error}`, { details: { slackError: error } });
  }
  if (e instanceof WebAPIRequestError) return new ServiceError("unavailable", `Slack unreachable: ${redactText(errorMessage(e.original))}`);
  return new ServiceError("unavailable", `Slack call failed: ${redactText(errorMessage(e))}`);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw slackError(e);
  }
}

/**
 * The official client with its own retries and rate-limit queueing off: a 429 comes back at once as
 * rate_limited with Slack's Retry-After, and the outbox decides when to try again.
 */
export function createSlackApi(options: { token: string; baseUrl?: string; timeoutMs: number }): SlackApi {
  const client = new WebClient(options.token, {
    ...(options.baseUrl ? { slackApiUrl: options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/` } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs,
    logLevel: LogLevel.ERROR,
    allowAbsoluteUrls: false,
  });
  return {
    postMessage: (input) =>
      call(async () => {
        const res = await client.chat.postMessage({
          channel: input.channel,
          text: input.text,
          ...(input.blocks ? { blocks: input.blocks } : {}),
          ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        });
        if (!res.channel || !res.ts) throw new ServiceError("unavailable", "Slack answered chat.postMessage without channel and ts");
        return { channel: res.channel, ts: res.ts };
      }),
    updateMessage: (input) =>
      call(async () => {
        await client.chat.update({ channel: input.channel, ts: input.ts, text: input.text, ...(input.blocks ? { blocks: input.blocks } : {}) });
      }),
    postEphemeral: (input) =>
      call(async () => {
        await client.chat.postEphemeral({ channel: input.channel, user: input.user, text: input.text, ...(input.threadTs ? { thread_ts: input.threadTs } : {}) });
      }),
    permalink: (input) =>
      call(async () => {
        const res = await client.chat.getPermalink({ channel: input.channel, message_ts: input.ts });
        return res.permalink ?? null;
      }),
    userEmail: (userId) =>
      call(async () => {
        const res = await client.users.info({ user: userId });
        return res.user?.profile?.email ?? null;
      }),
  };
}
