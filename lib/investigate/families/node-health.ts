import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, placeholder, promql, sh, text } from "../commands";
import { type Features, stat } from "../features";
import { selector, withMatcher } from "../promql";
import type { Step, Target } from "../report";
import { formatDuration, formatPercent } from "../units";
import { type Finding, findingsModule } from "./findings";
import type { MetricQuery } from "./types";

/**
 * A node: its Kubernetes conditions, and for node-exporter alerts the series the runbook names —
 * timex for the clock, interface errors, conntrack/file descriptors/CPU/memory/IO saturation, RAID
 * and bonding members, systemd units. Only the topic's queries run, not all of them.
 */

type Topic = "clock" | "network" | "saturation" | "hardware" | "systemd" | "conditions";

function topicOf(alertname: string): Topic {
  if (/Clock/.test(alertname)) return "clock";
  if (/Network/.test(alertname)) return "network";
  if (/RAID|Bonding/.test(alertname)) return "hardware";
  if (/Systemd/.test(alertname)) return "systemd";
  if (/Conntrack|FileDescriptor|CPUHighUsage|SystemSaturation|MemoryHighUtilization|MajorPagesFaults|DiskIOSaturation/.test(alertname)) return "saturation";
  return "conditions";
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const l = alert.labels;
  const inst = selector({ instance: l.instance ?? t.node ?? undefined });
  const dev = selector({ instance: l.instance ?? t.node ?? undefined, device: l.device });
  switch (topicOf(alert.alertname)) {
    case "clock":
      return [
        { id: "clock_offset", title: "Clock offset from NTP", unit: "seconds", query: `max(abs(node_timex_offset_seconds${inst}))`, threshold: 0.05 },
        { id: "clock_synced", title: "Kernel reports the clock synchronised", unit: "bool", query: `min(node_timex_sync_status${inst})` },
        { id: "clock_maxerror", title: "Clock maximum error", unit: "seconds", query: `max(node_timex_maxerror_seconds${inst})`, threshold: 16 },
      ];
    case "network":
      return [
        { id: "rx_errors", title: "Receive errors / packets", unit: "ratio", query: `max(rate(node_network_receive_errs_total${dev}[2m]) / rate(node_network_receive_packets_total${dev}[2m]))`, threshold: 0.01 },
        { id: "tx_errors", title: "Transmit errors / packets", unit: "ratio", query: `max(rate(node_network_transmit_errs_total${dev}[2m]) / rate(node_network_transmit_packets_total${dev}[2m]))`, threshold: 0.01 },
        { id: "link_changes", title: "Link up/down changes (10m)", unit: "changes", query: `max(changes(node_network_up${dev}[10m]))` },
      ];
    case "saturation":
      return [
        { id: "conntrack_ratio", title: "Conntrack entries / limit", unit: "ratio", query: `max(node_nf_conntrack_entries${inst} / node_nf_conntrack_entries_limit${inst})`, threshold: 0.75 },
        { id: "fd_ratio", title: "File descriptors allocated / maximum", unit: "ratio", query: `max(node_filefd_allocated${inst} / node_filefd_maximum${inst})`, threshold: 0.7 },
        { id: "cpu_busy", title: "CPU busy (not idle or iowait)", unit: "ratio", query: `1 - sum(rate(node_cpu_seconds_total${withMatcher(inst, 'mode=~"idle|iowait"')}[2m])) / count(node_cpu_seconds_total${withMatcher(inst, 'mode="idle"')})`, threshold: 0.9 },
        { id: "load_per_cpu", title: "Load (1m) per CPU", unit: "load", query: `max(node_load1${inst}) / count(node_cpu_seconds_total${withMatcher(inst, 'mode="idle"')})`, threshold: 2 },
        { id: "memory_used", title: "Memory used (1 − available/total)", unit: "ratio", query: `max(1 - node_memory_MemAvailable_bytes${inst} / node_memory_MemTotal_bytes${inst})`, threshold: 0.9 },
        { id: "major_faults", title: "Major page faults", unit: "faults/s", query: `max(rate(node_vmstat_pgmajfault${inst}[5m]))`, threshold: 500 },
        { id: "io_weighted", title: "Disk IO queue (weighted IO time)", unit: "load", query: `max(rate(node_disk_io_time_weighted_seconds_total${inst}[5m]))`, threshold: 10 },
      ];
    case "hardware":
      return [
        { id: "raid_missing", title: "RAID disks required − active", unit: "disks", query: `max(node_md_disks_required${dev} - ignoring(state) node_md_disks${selector({ instance: l.instance ?? t.node ?? undefined, device: l.device, state: "active" })})` },
        { id: "raid_failed", title: "RAID disks failed", unit: "disks", query: `max(node_md_disks${selector({ instance: l.instance ?? t.node ?? undefined, device: l.device, state: "failed" })})` },
        { id: "bond_missing", title: "Bond members not active", unit: "links", query: `max(node_bonding_slaves${selector({ instance: l.instance ?? t.node ?? undefined, master: l.master })} - node_bonding_active${selector({ instance: l.instance ?? t.node ?? undefined, master: l.master })})` },
      ];
    case "systemd":
      return [
        { id: "unit_failed", title: `systemd unit ${l.name ?? ""} failed`.trim(), unit: "bool", query: `max(node_systemd_unit_state${selector({ instance: l.instance ?? t.node ?? undefined, name: l.name, state: "failed" })})` },
        { id: "unit_restarts", title: "systemd service restarts (5m)", unit: "restarts", query: `max(increase(node_systemd_service_restart_total${selector({ instance: l.instance ?? t.node ?? undefined, name: l.name })}[5m]))` },
      ];
    case "conditions":
      return t.node ? [{ id: "node_not_ready", title: "Node Ready condition false", unit: "bool", query: `max(kube_node_status_condition${selector({ node: t.node, condition: "Ready", status: "false" })})` }] : [];
  }
}

function nodeSteps(f: Features): Step[] {
  const n = f.evidence.k8s.node?.name ?? f.target.node;
  return n ? [kubectl`describe node ${n}`, kubectl`get pods -A --field-selector spec.nodeName=${n} -o wide`] : [];
}

function conditionFindings(f: Features): Finding[] {
  const n = f.evidence.k8s.node;
  if (!n) return [];
  const steps = nodeSteps(f);
  const failing = n.conditions.filter((c) => (c.type === "Ready" ? c.status !== "True" : c.status === "True"));
  const why = failing.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}${c.message ? `: ${c.message}` : ""}`);
  if (f.nodeConditions.includes("MemoryPressure")) return [{ label: "suspected_node_memory_pressure", category: "node_pressure", title: "node memory pressure", confidence: 80, why, steps: [...steps, promql("node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes")] }];
  if (f.nodeConditions.includes("DiskPressure")) return [{ label: "suspected_node_disk_pressure", category: "disk_full", title: "node disk pressure", confidence: 80, why, steps: [...steps, promql('node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}')] }];
  if (f.nodeConditions.includes("PIDPressure")) return [{ label: "suspected_node_resource_exhaustion", category: "node_pressure", title: "node is running out of process IDs", confidence: 80, why, steps }];
  if (f.nodeReady === false) return [{ label: "suspected_node_not_ready", category: "node_pressure", title: "node not ready", confidence: 80, why, steps }];
  return [];
}

function metricFindings(f: Features): Finding[] {
  const out: Finding[] = [];
  const steps = nodeSteps(f);
  const offset = stat(f, "clock_offset");
  const synced = stat(f, "clock_synced");
  const maxerr = stat(f, "clock_maxerror");
  const clock = [
    offset && offset.max > 0.05 ? `clock ${formatDuration(offset.last)} off NTP now (worst ${formatDuration(offset.max)})` : null,
    synced && synced.min === 0 ? "the kernel reported the clock unsynchronised inside the window (node_timex_sync_status=0)" : null,
    maxerr && maxerr.max >= 16 ? `maximum clock error ${formatDuration(maxerr.max)}: NTP has not disciplined the clock for a long time` : null,
  ].filter((x): x is string => x !== null);
  if (clock.length) {
    out.push({
      label: "suspected_node_clock_skew",
      category: "node_pressure",
      title: "The node's clock is not kept in sync by NTP",
      confidence: 80,
      why: clock,
      steps: [text("On the node: timedatectl status; chronyc tracking && chronyc sources -v (or ntpq -p)"), text("Check the NTP servers are reachable from the node (UDP 123) and that chronyd/ntpd runs."), ...steps],
    });
  }
  const rx = stat(f, "rx_errors");
  const tx = stat(f, "tx_errors");
  const flaps = stat(f, "link_changes");
  const net = [
    rx && rx.max > 0.01 ? `receive errors ${formatPercent(rx.max)} of packets at peak${f.alert.labels.device ? ` on ${f.alert.labels.device}` : ""}` : null,
    tx && tx.max > 0.01 ? `transmit errors ${formatPercent(tx.max)} of packets at peak` : null,
    flaps && flaps.max > 0 ? `link went up/down ${Math.round(flaps.max)} time(s) in 10 min` : null,
  ].filter((x): x is string => x !== null);
  if (net.length) {
    const device = f.alert.labels.device ?? placeholder("device");
    out.push({
      label: "suspected_node_network_errors",
      category: "network",
      title: "The node's network interface drops or corrupts packets",
      confidence: 80,
      why: net,
      steps: [text(`On the node: ${sh`ip -s link show ${device}; ethtool -S ${device} | grep -i err; dmesg | grep -i -E 'link|eth|nic'`}`), ...steps],
    });
  }
  const sat: Array<[string, (v: number) => string, number]> = [
    ["conntrack_ratio", (v) => `conntrack table ${formatPercent(v)} full`, 0.75],
    ["fd_ratio", (v) => `file descriptors ${formatPercent(v)} of the kernel maximum`, 0.7],
    ["cpu_busy", (v) => `CPU ${formatPercent(v)} busy`, 0.9],
    ["load_per_cpu", (v) => `load ${v.toFixed(1)} per CPU`, 2],
    ["memory_used", (v) => `memory ${formatPercent(v)} used`, 0.9],
    ["major_faults", (v) => `${Math.round(v)} major page faults/s (the node swaps or thrashes its page cache)`, 500],
    ["io_weighted", (v) => `disk IO queue ${v.toFixed(1)} deep`, 10],
  ];
  const saturated = sat.flatMap(([id, say, limit]) => {
    const s = stat(f, id);
    return s && s.max >= limit ? [`${say(s.max)} at peak (${say(s.last)} now)`] : [];
  });
  if (saturated.length) {
    out.push({
      label: "suspected_node_resource_exhaustion",
      category: "saturation",
      title: "The node is running out of a kernel or hardware resource",
      confidence: 75,
      why: saturated,
      steps: [promql(`topk(10, sum by (pod, namespace) (rate(container_cpu_usage_seconds_total{node=${JSON.stringify(f.target.node ?? "")}}[5m])))`), ...steps, text("On the node: top -o %CPU; vmstat 1 5; iostat -x 1 5; cat /proc/sys/net/netfilter/nf_conntrack_count")],
    });
  }
  const raidMissing = stat(f, "raid_missing");
  const raidFailed = stat(f, "raid_failed");
  const bond = stat(f, "bond_missing");
  const hw = [
    raidMissing && raidMissing.max > 0 ? `RAID array ${f.alert.labels.device ?? ""} is missing ${Math.round(raidMissing.max)} disk(s)`.replace("  ", " ") : null,
    raidFailed && raidFailed.max > 0 ? `${Math.round(raidFailed.max)} RAID disk(s) failed` : null,
    bond && bond.max > 0 ? `${Math.round(bond.max)} bond member(s) not active${f.alert.labels.master ? ` on ${f.alert.labels.master}` : ""}` : null,
  ].filter((x): x is string => x !== null);
  if (hw.length) {
    out.push({
      label: "suspected_node_hardware_degraded",
      category: "node_pressure",
      title: "Redundant hardware on the node has lost a member",
      confidence: 85,
      why: hw,
      steps: [text("On the node: cat /proc/mdstat; mdadm --detail /dev/<md>; cat /proc/net/bonding/<bond>"), ...steps],
    });
  }
  const unit = stat(f, "unit_failed");
  const restarts = stat(f, "unit_restarts");
  if ((unit && unit.max > 0) || (restarts && restarts.max > 2)) {
    const name = f.alert.labels.name ?? "<unit>";
    const unitArg = f.alert.labels.name ?? placeholder("unit");
    out.push({
      label: "suspected_node_service_failed",
      category: "app_crash",
      title: `systemd unit ${name} fails on the node`,
      confidence: 80,
      why: [
        ...(unit && unit.max > 0 ? [`unit ${name} was in state failed inside the window${unit.last > 0 ? " and still is" : ""}`] : []),
        ...(restarts && restarts.max > 2 ? [`${Math.round(restarts.max)} restarts in 5 min at peak`] : []),
      ],
      steps: [text(`On the node: ${sh`systemctl status ${unitArg}; journalctl -u ${unitArg} --since "-1h" | tail -100`}`), ...steps],
    });
  }
  return out;
}

export const nodeHealth = findingsModule({
  family: "node_health",
  needs: { k8s: "node", logs: false },
  queries,
  findings: (f) => [...conditionFindings(f), ...metricFindings(f)],
  unknowns: (f) =>
    topicOf(f.alert.alertname) === "conditions"
      ? [f.evidence.k8s.node ? `node ${f.evidence.k8s.node.name} reports no failing condition now` : "the node's conditions (Ready, MemoryPressure, DiskPressure)"]
      : [`the node-exporter series behind ${f.alert.alertname} show nothing wrong in the window`],
});
