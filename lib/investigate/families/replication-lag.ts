import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, placeholder, promql, text } from "../commands";
import { type Features, logMatch, stat } from "../features";
import { podSelector, selector, withMatcher } from "../promql";
import type { Step, Target } from "../report";
import { type Finding, findingsModule } from "./findings";
import { formatSeconds, trendOf } from "./trend";
import type { MetricQuery } from "./types";

function isMysql(alert: NormalizedAlert): boolean {
  return /mysql|maria/i.test(`${alert.alertname} ${alert.labels.job ?? ""} ${alert.labels.service ?? ""}`);
}

/** Exporter series: its `instance` is the most specific handle; else namespace plus pod or service. */
function replicaSelector(t: Target, alert: NormalizedAlert): string {
  if (alert.labels.instance) return selector({ instance: alert.labels.instance });
  return selector({ namespace: t.namespace, pod: t.pod, service: t.pod ? null : t.service });
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const sel = replicaSelector(t, alert);
  const out: MetricQuery[] = [];
  if (isMysql(alert)) {
    out.push(
      { id: "replay_lag", title: "Seconds behind source", unit: "seconds", query: `max(mysql_slave_status_seconds_behind_master${sel})` },
      { id: "io_running", title: "Replication IO thread running", unit: "bool", query: `min(mysql_slave_status_slave_io_running${sel})` },
      { id: "sql_running", title: "Replication SQL thread running", unit: "bool", query: `min(mysql_slave_status_slave_sql_running${sel})` },
    );
  } else {
    out.push(
      { id: "replay_lag", title: "Replay lag on the replica", unit: "seconds", query: `max(pg_replication_lag_seconds${sel})` },
      {
        id: "receive_lag",
        title: "WAL write lag seen by the primary",
        unit: "seconds",
        query: `max(pg_stat_replication_write_lag_seconds${selector({ application_name: alert.labels.application_name ?? t.pod })})`,
      },
    );
  }
  if (t.namespace && (t.pod || t.workload)) {
    const pods = podSelector(t, { container: false });
    out.push({
      id: "replica_cpu",
      title: "Replica CPU used of limit",
      unit: "ratio",
      query: `sum(rate(container_cpu_usage_seconds_total${withMatcher(pods, 'container!=""')}[5m])) / sum(kube_pod_container_resource_limits${withMatcher(pods, 'resource="cpu"')})`,
      threshold: 0.85,
    });
  }
  return out;
}

function replicaSteps(f: Features): Step[] {
  const t = f.target;
  const ns = nsFlag(t.namespace);
  const pod = t.pod ?? placeholder("replica-pod");
  return isMysql(f.alert)
    ? [kubectl`${ns}exec ${pod} -- mysql -e 'SHOW REPLICA STATUS\\G'`]
    : [kubectl`${ns}exec ${pod} -- psql -U postgres -c 'SELECT status, sender_host, last_msg_receipt_time, latest_end_lsn FROM pg_stat_wal_receiver'`];
}

function findings(f: Features): Finding[] {
  const lag = trendOf(f, "replay_lag");
  if (!lag || lag.max < 10) return [];
  const t = f.target;
  const q = queries(t, f.alert);
  const queryOf = (id: string) => q.find((x) => x.id === id)?.query ?? "";
  const lagLine = `replication lag ${formatSeconds(lag.first)} → ${formatSeconds(lag.last)} (peak ${formatSeconds(lag.max)})`;
  const receive = stat(f, "receive_lag");
  const io = stat(f, "io_running");
  const sql = stat(f, "sql_running");
  const cpu = stat(f, "replica_cpu");
  const netLog = logMatch(f, "network", "dependency_unavailable");
  const out: Finding[] = [];

  const network: string[] = [];
  if (receive && receive.last >= 10 && receive.last >= 0.5 * lag.last) {
    network.push(`WAL write lag ${formatSeconds(receive.last)} (pg_stat_replication write_lag exported as pg_stat_replication_write_lag_seconds, an assumed custom query): WAL does not reach the replica`);
  }
  if (io && io.min < 1) network.push("the replication IO thread stopped: the replica does not receive from its source");
  if (netLog) network.push(`logs: ${netLog.title}${netLog.detail ? ` (${netLog.detail})` : ""} ×${netLog.count}: "${netLog.sample.slice(0, 160)}"`);
  if (network.length) {
    out.push({
      label: "suspected_replication_network",
      category: "network",
      title: "The replica does not receive changes from the primary fast enough (network or connection)",
      confidence: network.length >= 2 ? 85 : 75,
      why: [lagLine, ...network],
      steps: [...replicaSteps(f), ...(receive ? [promql(queryOf("receive_lag"))] : []), text("Check the primary is reachable from the replica (DNS, NetworkPolicy, replication user and slot) and its WAL sender is up.")],
    });
  }

  const arrives = (receive && receive.last < Math.max(5, 0.2 * lag.last)) || (io?.min === 1 && sql?.min === 1);
  if (arrives && !network.length && lag.last >= lag.first) {
    const busy = cpu && cpu.max >= 0.85;
    out.push({
      label: "suspected_replica_overloaded",
      category: "saturation",
      title: "The replica receives changes but cannot apply them fast enough",
      confidence: busy ? 80 : 60,
      why: [
        lagLine,
        receive ? `WAL arrives (write lag only ${formatSeconds(receive.last)}) while replay falls behind` : "IO and SQL threads both run: changes arrive but are applied late",
        busy ? `replica CPU at ${Math.round(cpu.max * 100)}% of its limit at peak` : "replica CPU is not the bottleneck or unknown: check disk IO and long queries holding replay back",
      ],
      steps: [
        ...(cpu ? [promql(queryOf("replica_cpu"))] : []),
        ...replicaSteps(f),
        text("Check disk IO on the replica's node and long-running queries on the replica that conflict with replay (max_standby_streaming_delay, hot_standby_feedback)."),
      ],
    });
  }
  return out;
}

export const replicationLag = findingsModule({
  family: "replication_lag",
  needs: { k8s: "none", logs: true, resolve: true },
  queries,
  findings,
  unknowns(f) {
    const lag = stat(f, "replay_lag");
    const sql = stat(f, "sql_running");
    return [
      lag ? `replication lag peaked at ${formatSeconds(lag.max)}, but neither the WAL receive side nor replica load explains it` : "replication lag over the window (pg_replication_lag_seconds or mysql_slave_status_seconds_behind_master)",
      ...(sql && sql.min < 1 ? ["the replication SQL thread stopped: read the replication error (SHOW REPLICA STATUS)"] : []),
    ];
  },
});
