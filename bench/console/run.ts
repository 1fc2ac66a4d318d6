// npm run bench:console — latency of the console's read verbs (inbox, filters, search, next page, case
// page) on a fresh database seeded with 100 000 cases and 300 000 investigation runs. Prints figures;
// asserts nothing about speed (the target is compared in the printed table and in docs/benchmarks.md).
import { sql } from "drizzle-orm";
import { findSimilarCases } from "@/lib/cases/find-similar-cases";
import { getCase } from "@/lib/cases/get-case";
import { listCases, listCasesQuerySchema } from "@/lib/cases/list-cases";
import { testActor } from "@/test/helpers/cases";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 300_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const WARMUP = 20;
const TARGET_P95_MS = 100;

const families: [family: string, alertname: string, targetType: string, title: string][] = [
  ["crashloop", "KubePodCrashLooping", "pod", "Pod %ns/%target is crash looping"],
  ["oom", "KubeContainerOOMKilled", "pod", "Container in %ns/%target was OOM killed"],
  ["cpu_throttling", "CPUThrottlingHigh", "pod", "CPU throttling high for %ns/%target"],
  ["http_5xx", "HTTPErrorRateHigh", "service", "5xx error rate high on %ns/%target"],
  ["latency", "HTTPLatencyHigh", "service", "Request latency above SLO on %ns/%target"],
  ["job_failed", "KubeJobFailed", "job", "Job %ns/%target failed"],
  ["k8s_rollout_health", "KubeDeploymentRolloutStuck", "deployment", "Rollout of %ns/%target is stuck"],
  ["target_down", "TargetDown", "job", "Scrape target %target in %ns is down"],
  ["cert_expiry", "CertificateExpiringSoon", "certificate", "Certificate %target in %ns expires soon"],
  ["cache_churn", "CacheEvictionsHigh", "service", "Cache evictions high on %ns/%target"],
  ["disk_pressure", "NodeFilesystemAlmostFull", "node", "Filesystem almost full on %target"],
  ["node_not_ready", "KubeNodeNotReady", "node", "Node %target is not ready"],
  ["generic", "BlackboxProbeFailed", "service", "Probe failed for %ns/%target"],
];
const namespaces = [
  "payments", "checkout", "search", "catalog", "identity", "billing", "ledger", "notifications", "gateway", "ingest",
  "analytics", "recommendations", "inventory", "shipping", "pricing", "fraud", "support", "media", "auth", "reporting",
  "kube-system", "monitoring", "logging", "ingress-nginx", "cert-manager", "argocd", "vault", "kafka", "redis", "postgres",
];
const clusters = ["prod-eu-1", "prod-eu-2", "prod-us-1", "staging-eu-1", "dev-1"];
const teams = ["checkout", "core", "platform", "data", "identity", "growth", "search", "sre", "payments", "mobile", "infra", "security"];
const services = ["api", "worker", "web", "consumer", "scheduler", "gateway", "cache", "db-proxy", "exporter", "cron", "indexer", "renderer"];
const words = [
  "container", "restarts", "after", "oom", "kill", "memory", "limit", "reached", "upstream", "timeout", "connection", "refused",
  "deadline", "exceeded", "readiness", "probe", "failing", "liveness", "image", "pull", "backoff", "config", "missing", "secret",
  "certificate", "expired", "disk", "full", "inode", "exhausted", "throttled", "cpu", "quota", "latency", "spike", "error",
  "budget", "burning", "replica", "unavailable", "rollout", "stalled", "dns", "resolution", "flapping", "evictions", "node",
  "pressure", "scrape", "failed", "panic", "nil", "pointer", "database", "locked", "queue", "backlog", "growing", "tls", "handshake",
];

function sqlArray(values: string[]): string {
  return `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`;
}

/** `arr[1 + floor(n * u^skew)]`: a fixed pseudo-random pick per row, skewed towards the front when `skew` > 1. */
function pick(arr: string, n: number, salt: number, skew = 1): string {
  const u = unit(salt);
  return `${arr}[1 + floor(${n} * power(${u}, ${skew}))::int]`;
}

/** A fixed pseudo-random number in [0, 1) per row `g` and salt, so every run seeds the same data. */
function unit(salt: number): string {
  return `((hashint8(g::int8 * 1000 + ${salt}) & 2147483647)::float8 / 2147483648)`;
}

/** Seed the database; answers each step's seconds. */
async function seed(db: TestDatabase["db"]): Promise<Record<string, number>> {
  const steps: Record<string, number> = {};
  const step = async (name: string, statement: string) => {
    const t0 = performance.now();
    await db.execute(sql.raw(statement));
    steps[name] = (performance.now() - t0) / 1000;
  };
  const fam = `(${sqlArray(families.map((f) => f[0]))})`;
  const alert = `(${sqlArray(families.map((f) => f[1]))})`;
  const ttype = `(${sqlArray(families.map((f) => f[2]))})`;
  const ttitle = `(${sqlArray(families.map((f) => f[3]))})`;
  const w = `(${sqlArray(words)})`;
  const wordAt = (salt: number) => pick(w, words.length, salt);
  await step(
    "cases",
    `
    insert into cases (identity_key, identity_kind, cluster, namespace, title, alertname, family, severity, team, service,
      target_type, target_name, status, snoozed_until, classification, one_liner, impact, confidence, noise, run_count,
      first_seen_at, last_seen_at, resolved_at, labels)
    select 'bench:' || g, s.target_type, s.cluster, s.namespace,
      replace(replace(s.title, '%ns', s.namespace), '%target', s.target_name),
      s.alertname, s.family, s.severity, s.team, s.service, s.target_type, s.target_name,
      case when s.u_status < 0.72 then 'resolved' else 'open' end,
      case when s.u_status >= 0.72 and s.u_status < 0.80 then now() + interval '1 hour' * (1 + 48 * s.u_snooze)
           when s.u_status >= 0.80 and s.u_status < 0.83 then now() - interval '1 hour' * (1 + 48 * s.u_snooze) end,
      s.classification, s.one_liner, (100 * s.u_impact)::int, (100 * s.u_conf)::int, (100 * s.u_noise)::int, 0,
      s.last_seen - interval '1 minute' * (10 + 4000 * s.u_snooze), s.last_seen,
      case when s.u_status < 0.72 then s.last_seen + interval '1 minute' * (1 + 60 * s.u_conf) end,
      jsonb_build_object('namespace', s.namespace, 'cluster', s.cluster, 'alertname', s.alertname, 'pod', s.target_name)
    from (
      select g, f.i,
        ${fam}[f.i] as family, ${alert}[f.i] as alertname, ${ttype}[f.i] as target_type, ${ttitle}[f.i] as title,
        ${pick(`(${sqlArray(namespaces)})`, namespaces.length, 2, 1.6)} as namespace,
        ${pick(`(${sqlArray(clusters)})`, clusters.length, 3, 1.4)} as cluster,
        ${pick(`(${sqlArray(teams)})`, teams.length, 4, 1.3)} as team,
        ${pick(`(${sqlArray(services)})`, services.length, 5)} as service,
        ${pick(`(${sqlArray(services)})`, services.length, 6)} || '-' || substr(md5(g::text), 1, 10) as target_name,
        ${pick("(array['critical','warning','warning','info'])", 4, 7)} as severity,
        (array['actionable','informational','noisy','artifact', null])[1 + floor(5 * ${unit(8)})::int] as classification,
        initcap(${wordAt(9)}) || ' ' || ${wordAt(10)} || ' ' || ${wordAt(11)} || ' in ' || ${wordAt(12)} || ' ' || ${wordAt(13)} as one_liner,
        now() - interval '30 days' * power(${unit(14)}, 1.5) as last_seen,
        ${unit(15)} as u_status, ${unit(16)} as u_snooze, ${unit(17)} as u_impact, ${unit(18)} as u_conf, ${unit(19)} as u_noise
      from generate_series(1, ${CASES}) g
      cross join lateral (select 1 + floor(${families.length} * power(${unit(1)}, 1.8))::int as i) f
    ) s`,
  );
  // Runs land on cases with a skew, so a few hot cases carry hundreds of runs (the case page's worst case).
  await step(
    "runs",
    `
    insert into investigation_runs (case_id, dedupe_key, alert_fingerprint, alertname, family, status, classification,
      one_liner, report_key, worker, alert_starts_at, started_at, finished_at, duration_ms)
    select c.id, 'dk-' || g, substr(md5(g::text), 1, 16), c.alertname, c.family,
      case when ${unit(21)} < 0.95 then 'succeeded' else 'failed' end,
      c.classification, c.one_liner, case when ${unit(22)} < 0.95 then 'reports/' || g end, 'worker-' || (g % 4),
      c.last_seen_at - interval '1 minute' * (g % 5000), c.last_seen_at - interval '1 minute' * (g % 5000) + interval '5 seconds',
      c.last_seen_at - interval '1 minute' * (g % 5000) + interval '1 second' * (10 + g % 50), 1000 * (1 + g % 40)
    from generate_series(1, ${RUNS}) g
    join (select id, alertname, family, classification, one_liner, last_seen_at, row_number() over (order by identity_key) as rn from cases) c
      on c.rn = 1 + floor(${CASES} * power(${unit(20)}, 2.5))::int`,
  );
  await step(
    "run counts",
    `
    update cases set run_count = r.n, latest_run_id = r.latest, last_seen_at = greatest(cases.last_seen_at, r.last_finished),
      memory_text = cases.one_liner
    from (select case_id, count(*)::int as n, (array_agg(id order by finished_at desc))[1] as latest, max(finished_at) as last_finished
          from investigation_runs group by case_id) r
    where r.case_id = cases.id`,
  );
  await step("vacuum analyze", "vacuum analyze cases, investigation_runs");
  return steps;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

type Row = { name: string; p50: number; p95: number; p99: number; max: number; rows: number };

async function measure(name: string, call: (i: number) => Promise<number>): Promise<Row> {
  for (let i = 0; i < WARMUP; i++) await call(i);
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    rows += await call(WARMUP + i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: times[times.length - 1], rows: rows / CALLS };
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const { db } = database;
  try {
    let t0 = performance.now();
    const steps = await seed(db);
    const seedS = (performance.now() - t0) / 1000;
    const stepText = Object.entries(steps).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ");
    const [counts] = (await db.execute(
      sql`select (select count(*) from cases)::int as cases, (select count(*) from investigation_runs)::int as runs,
                 (select max(run_count) from cases)::int as max_runs,
                 (select count(*) from cases where status = 'open' and snoozed_until > now())::int as snoozed,
                 (select count(*) from cases where status = 'resolved')::int as resolved`,
    )) as unknown as Record<string, number>[];
    console.log(`seeded ${counts.cases} cases, ${counts.runs} runs in ${seedS.toFixed(1)} s (${stepText});`
      + ` resolved ${counts.resolved}, snoozed ${counts.snoozed}, busiest case ${counts.max_runs} runs`);

    const actor = testActor("viewer", "bench");
    const ctx = () => ({ db, actor, now: new Date() });
    const list = async (raw: Record<string, string>) => {
      const page = await listCases({ ctx: ctx(), input: listCasesQuerySchema.parse(raw) });
      return page;
    };
    const at = <T>(arr: T[], i: number): T => arr[(i * 7919) % arr.length];
    const topFamilies = families.slice(0, 6).map((f) => f[0]);
    const topNamespaces = namespaces.slice(0, 12);

    // Cursors of pages 2–20 of the default view, collected before measuring.
    const cursors: string[] = [];
    let cursor: string | null = null;
    for (let p = 0; p < 20; p++) {
      const page: Awaited<ReturnType<typeof list>> = await list(cursor ? { cursor } : {});
      if (!page.nextCursor) break;
      cursors.push(page.nextCursor);
      cursor = page.nextCursor;
    }
    const idRows = (await db.execute(sql`select id from cases order by random() limit 1000`)) as unknown as { id: string }[];
    const hotRows = (await db.execute(sql`select id from cases order by run_count desc limit 50`)) as unknown as { id: string }[];
    const ids = idRows.map((r) => r.id);
    const hotIds = hotRows.map((r) => r.id);

    t0 = performance.now();
    const results: Row[] = [];
    results.push(await measure("inbox default view (listCases {})", async () => (await list({})).items.length));
    results.push(
      await measure("filtered: status=open + family + namespace", async (i) =>
        (await list({ status: "open", family: at(topFamilies, i), namespace: at(topNamespaces, i + 3) })).items.length),
    );
    results.push(
      await measure("filtered: status=open,snoozed + severity + cluster", async (i) =>
        (await list({ status: "open,snoozed", severity: "critical", cluster: at(clusters, i) })).items.length),
    );
    results.push(await measure("search q=<one word>", async (i) => (await list({ q: at(words, i) })).items.length));
    results.push(
      await measure("search q=<two words>", async (i) => (await list({ q: `${at(words, i)} ${at(words, i + 11)}` })).items.length),
    );
    results.push(
      await measure("search q=<word fragment> (ILIKE only)", async (i) => (await list({ q: at(words, i).slice(1, 5) })).items.length),
    );
    results.push(
      await measure("search q=ns:<ns> alert:<name> <word>", async (i) =>
        (await list({ q: `ns:${at(topNamespaces, i)} alert:${at(families, i)[1].slice(0, 8)} ${at(words, i + 5)}` })).items.length),
    );
    results.push(
      await measure("search q=ns:<ns> + status=open", async (i) => (await list({ status: "open", q: `ns:${at(namespaces, i)}` })).items.length),
    );
    results.push(await measure("next page via cursor (pages 2–20)", async (i) => (await list({ cursor: at(cursors, i) })).items.length));
    results.push(
      await measure("case page (getCase, random ids)", async (i) => (await getCase({ ctx: ctx(), input: { caseId: at(ids, i) } })).runs.length),
    );
    results.push(
      await measure("case page (getCase, 50 busiest cases)", async (i) =>
        (await getCase({ ctx: ctx(), input: { caseId: at(hotIds, i) } })).runs.length),
    );
    results.push(
      await measure("similar cases (findSimilarCases, random ids)", async (i) =>
        (await findSimilarCases({ ctx: ctx(), input: { caseId: at(ids, i) } })).length),
    );
    const measureS = (performance.now() - t0) / 1000;

    const fmt = (n: number) => n.toFixed(1).padStart(7);
    console.log(`\n${CALLS} calls each after ${WARMUP} warm-up calls, sequential, one connection pool (5); ${measureS.toFixed(1)} s\n`);
    console.log(`| query | p50 ms | p95 ms | p99 ms | max ms | rows/call | p95 < ${TARGET_P95_MS} ms |`);
    console.log("|---|---:|---:|---:|---:|---:|---|");
    for (const r of results) {
      console.log(
        `| ${r.name} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.rows.toFixed(1)} | ${r.p95 < TARGET_P95_MS ? "yes" : "**no**"} |`,
      );
    }
  } finally {
    await database.drop();
  }
}

await main();
