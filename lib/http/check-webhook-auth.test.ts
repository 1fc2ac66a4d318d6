import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { errorBody, httpStatus, ServiceError } from "@/lib/errors";
import { startAlertmanager } from "@/test/helpers/alertmanager";
import { eventually } from "@/test/helpers/nats";
import { checkWebhookAuth } from "./check-webhook-auth";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const both = { bearerToken: "t0ken-t0ken-t0ken", basicUser: "alertmanager", basicPassword: "a-long-basic-password" };

function code(authorization: string | null, expected: Parameters<typeof checkWebhookAuth>[1]): string {
  try {
    checkWebhookAuth(authorization, expected);
    return "ok";
  } catch (e) {
    return e instanceof ServiceError ? e.code : "thrown";
  }
}

describe("checkWebhookAuth", () => {
  it("accepts the bearer token or the basic credentials, whichever are configured", () => {
    expect(code("Bearer t0ken-t0ken-t0ken", both)).toBe("ok");
    expect(code(basic("alertmanager", "a-long-basic-password"), both)).toBe("ok");
    expect(code("basic " + Buffer.from("alertmanager:a-long-basic-password").toString("base64"), both)).toBe("ok");
    expect(code(basic("alertmanager", "a-long-basic-password"), { bearerToken: both.bearerToken })).toBe("unauthorized");
    expect(code("Bearer t0ken-t0ken-t0ken", { basicUser: both.basicUser, basicPassword: both.basicPassword })).toBe("unauthorized");
    expect(code(null, {})).toBe("ok");
  });

  it("refuses wrong, partial and malformed credentials with 401, naming what it accepts", () => {
    for (const h of [
      null,
      "",
      "Bearer nope",
      "Bearer",
      basic("alertmanager", "wrong-password-here"),
      basic("someone", "a-long-basic-password"),
      basic("alertmanager", ""),
      `Basic ${Buffer.from("alertmanager").toString("base64")}`,
      "Basic !!!not-base64!!!",
      `Digest ${both.bearerToken}`,
      `Bearer ${both.basicPassword}`,
    ]) {
      expect(code(h, both), String(h)).toBe("unauthorized");
    }
    try {
      checkWebhookAuth("Bearer nope", both);
    } catch (e) {
      expect(httpStatus(e)).toBe(401);
      expect(errorBody(e).error.message).toBe("missing or wrong Bearer token or Basic credentials");
      expect(JSON.stringify(errorBody(e))).not.toContain(both.basicPassword);
    }
  });

  it("accepts what a real Alertmanager sends with http_config.basic_auth", async () => {
    const seen: string[] = [];
    const receiver = http.createServer((req, res) => {
      seen.push(code(req.headers.authorization ?? null, both));
      res.writeHead(202).end();
      req.resume();
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const { port } = receiver.address() as AddressInfo;
    const am = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${port}/alerts`, webhookBasicAuth: { username: both.basicUser, password: both.basicPassword } });
    try {
      await am.postAlerts([{ labels: { alertname: "BasicAuthCheck", job: "x" } }]);
      await eventually(() => (seen.length ? seen : undefined), 15_000, "a webhook request");
      expect(seen[0]).toBe("ok");
    } finally {
      await am.stop();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
