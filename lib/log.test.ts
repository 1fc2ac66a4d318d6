import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./log";

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ destination }), lines };
}

describe("createLogger redaction", () => {
  it("removes credentials from messages, fields, nested values and errors", () => {
    const { log, lines } = capture();
    log.info({ url: "http://admin:hunter2@prometheus:9090", nested: { reason: "Authorization: Bearer abcdef123456789" } }, "GET http://u:s3cret@loki:3100 failed");
    log.warn({ err: new Error("connect to postgres://app:pgpass@db/x failed") }, "query failed");
    log.error(new Error("fetch http://bob:swordfish@vm:8428 refused"));
    const text = JSON.stringify(lines);
    for (const secret of ["hunter2", "abcdef123456789", "s3cret", "pgpass", "swordfish"]) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ url: "http://[redacted]@prometheus:9090", msg: "GET http://[redacted]@loki:3100 failed" });
    expect((lines[1]!.err as { message: string; stack: string }).message).toBe("connect to postgres://[redacted]@db/x failed");
    expect(lines[2]!.msg).toBe("fetch http://[redacted]@vm:8428 refused");
    expect((lines[2]!.err as { type: string }).type).toBe("Error");
  });
});
