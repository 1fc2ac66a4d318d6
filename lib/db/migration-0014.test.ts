import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { seedCase } from "@/test/helpers/cases";
import { migrationsFolder, type Db } from "./client";
import * as schema from "./schema";
import { chatCaseUsage, chatMessages, chatThreads } from "./schema";

/** The migrations folder as it was before `tag`: the same SQL files, the journal cut before it. */
function migrationsBefore(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tarka-migrations-"));
  fs.cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: Array<{ tag: string }> };
  const cut = journal.entries.findIndex((e) => e.tag === tag);
  if (cut < 0) throw new Error(`no migration ${tag}`);
  fs.writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return dir;
}

describe("migration 0014 (chat_case_usage)", () => {
  const client = new PGlite({ extensions: { pg_trgm } });
  const older = migrationsBefore("0014_chat_case_usage");
  afterAll(async () => {
    await client.close();
    fs.rmSync(older, { recursive: true, force: true });
  });

  it("backfills each case's running total from the chat it already had", async () => {
    await migrate(drizzle(client), { migrationsFolder: older });
    const db = drizzle(client, { schema }) as unknown as Db;
    const { case: talked } = await seedCase(db);
    const { case: quiet } = await seedCase(db);
    const threads = await db
      .insert(chatThreads)
      .values([
        { owner: "sam", caseId: talked.id, title: "why?" },
        { owner: "kim", caseId: talked.id, title: "and now?" },
        { owner: "kim", caseId: quiet.id, title: "summary" },
        { owner: "kim", caseId: null, title: "across cases" },
      ])
      .returning({ id: chatThreads.id });
    const answer = (threadId: string, inputTokens: number, outputTokens: number, costUsd: number) => ({ threadId, role: "assistant" as const, content: "a", inputTokens, outputTokens, costUsd });
    await db.insert(chatMessages).values([
      { threadId: threads[0].id, role: "user", content: "why?" },
      answer(threads[0].id, 100, 20, 0.01),
      answer(threads[1].id, 300, 80, 0.02),
      answer(threads[2].id, 0, 0, 0),
      answer(threads[3].id, 500, 50, 0.05),
    ]);

    await migrate(drizzle(client), { migrationsFolder });
    const rows = await db.select().from(chatCaseUsage);
    expect(rows.map((r) => ({ caseId: r.caseId, tokens: r.tokens, costUsd: Number(r.costUsd.toFixed(6)) }))).toEqual([{ caseId: talked.id, tokens: 500, costUsd: 0.03 }]);
  });
});
