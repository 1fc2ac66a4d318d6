// GET / — recent cases (the full console replaces this page)
import { desc } from "drizzle-orm";
import { cases } from "@/lib/db/schema";
import { getWebRuntime } from "@/lib/web-runtime";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const rt = await getWebRuntime();
  const rows = await rt.database.db.select().from(cases).orderBy(desc(cases.lastSeenAt)).limit(50);
  return (
    <main className="mx-auto max-w-5xl p-6">
      <h1 className="text-2xl font-semibold">Tarka</h1>
      <p className="mt-1 text-sm text-slate-500">
        Recent cases. Send alerts to <code>POST /alerts</code>; reports are written to {rt.store.kind === "fs" ? "DATA_DIR/reports" : "S3"}.
      </p>
      {rows.length === 0 ? (
        <p className="mt-8 text-slate-500">No cases yet. Post docs/examples/alertmanager-firing.json to /alerts to see one.</p>
      ) : (
        <table className="mt-6 w-full text-left text-sm">
          <thead className="text-slate-500">
            <tr>
              <th className="py-2">Case</th>
              <th>Family</th>
              <th>Status</th>
              <th>Verdict</th>
              <th>Runs</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} className="border-t border-slate-200 dark:border-slate-800">
                <td className="py-2">
                  <div className="font-medium">{c.title}</div>
                  <div className="text-slate-500">{c.oneLiner}</div>
                </td>
                <td>{c.family}</td>
                <td>{c.status}</td>
                <td>{c.classification}</td>
                <td>{c.runCount}</td>
                <td>{c.lastSeenAt.toISOString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
