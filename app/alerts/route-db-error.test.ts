import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { startWebServer, type WebServer } from "@/test/helpers/web-server";

const TOKEN = "test-token-0123456789";
const MARKER = "refuse-payload-c0ffee-hunter2";

function alertBody(pod: string): string {
  const sample = JSON.parse(fs.readFileSync("docs/examples/alertmanager-firing.json", "utf8"));
  sample.alerts[0].labels.pod = pod;
  return JSON.stringify(sample);
}

describe("POST /alerts when PostgreSQL refuses the receipts (real PostgreSQL, production build)", () => {
  let tdb: TestDatabase;
  let server: WebServer;
  let dataDir: string;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    // A fault only PostgreSQL can raise, for rows carrying the marker: drizzle wraps the error as
    // "Failed query: <sql> params: <the rows>", so a raw log of it would print the payload.
    await tdb.db.execute(sql.raw(`
      create function tarka_test_refuse() returns trigger language plpgsql as $$
      begin
        if new.labels->>'pod' like 'refuse-%' then raise exception 'refused by the test trigger'; end if;
        return new;
      end $$;
      create trigger tarka_test_refuse before insert on received_alerts for each row execute function tarka_test_refuse();`));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-db-error-"));
    server = await startWebServer({ DATA_DIR: dataDir, DATABASE_URL: tdb.url, WEBHOOK_BEARER_TOKEN: TOKEN, LOG_LEVEL: "info" });
  });
  afterAll(async () => {
    await server?.stop();
    await tdb?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 503 with the database's reason and logs it, never the SQL or the payload", async () => {
    const res = await fetch(`${server.url}/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: alertBody(MARKER),
    });
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(body).toContain("refused by the test trigger");
    expect(body).not.toContain("c0ffee");

    await expect.poll(() => server.output(), { timeout: 5_000 }).toContain("alert intake failed");
    const logged = server.output();
    expect(logged).toContain("refused by the test trigger");
    expect(logged).not.toMatch(/c0ffee|hunter2|Failed query|insert into/i);

    const ok = await fetch(`${server.url}/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: alertBody("api-7d4f9c-x2x"),
    });
    expect(ok.status).toBe(202);
  });
});
