import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, promql, text } from "../commands";
import { type Features, stat } from "../features";
import { selector } from "../promql";
import type { Target } from "../report";
import { type Finding, findingsModule } from "./findings";
import type { MetricQuery } from "./types";

/** Space or inodes of a PVC or node filesystem filling up, and volumes that fail to provision or bind. */

function isInodes(alertname: string): boolean {
  return /Inodes|Files/.test(alertname);
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const l = alert.labels;
  const inodes = isInodes(alert.alertname);
  const out: MetricQuery[] = [];
  if (l.persistentvolumeclaim) {
    const sel = selector({ namespace: t.namespace, persistentvolumeclaim: l.persistentvolumeclaim });
    out.push(
      inodes
        ? { id: "used_ratio", title: `PVC ${l.persistentvolumeclaim} inodes used`, unit: "ratio", query: `max(kubelet_volume_stats_inodes_used${sel} / kubelet_volume_stats_inodes${sel})`, threshold: 0.9 }
        : { id: "used_ratio", title: `PVC ${l.persistentvolumeclaim} used`, unit: "ratio", query: `max(kubelet_volume_stats_used_bytes${sel} / kubelet_volume_stats_capacity_bytes${sel})`, threshold: 0.9 },
    );
  } else if (l.instance && l.mountpoint) {
    const sel = selector({ instance: l.instance, mountpoint: l.mountpoint, fstype: l.fstype });
    out.push(
      inodes
        ? { id: "used_ratio", title: `${l.mountpoint} on ${l.instance} inodes used`, unit: "ratio", query: `max(1 - node_filesystem_files_free${sel} / node_filesystem_files${sel})`, threshold: 0.9 }
        : { id: "used_ratio", title: `${l.mountpoint} on ${l.instance} used`, unit: "ratio", query: `max(1 - node_filesystem_avail_bytes${sel} / node_filesystem_size_bytes${sel})`, threshold: 0.9 },
    );
  }
  if (l.persistentvolume) {
    out.push({ id: "pv_bad_phase", title: `PV ${l.persistentvolume} Failed or Pending`, unit: "bool", query: `max(kube_persistentvolume_status_phase${selector({ persistentvolume: l.persistentvolume })}{phase=~"Failed|Pending"})`.replace("}{", ",") });
  }
  return out;
}

function fillingFinding(f: Features): Finding[] {
  const used = stat(f, "used_ratio");
  if (!used) return [];
  const hours = (f.window.endMs - f.window.startMs) / 3_600_000;
  const perHour = (used.last - used.first) / hours;
  const eta = perHour > 0 ? (1 - used.last) / perHour : null;
  // Neither growing nor past the query's own 90 % threshold: nothing is filling.
  if (eta === null && used.last < 0.9) return [];
  const inodes = isInodes(f.alert.alertname);
  const pvc = f.alert.labels.persistentvolumeclaim;
  const what = inodes ? "inodes" : "space";
  return [
    {
      label: inodes ? "suspected_inodes_exhausted" : "suspected_disk_filling",
      category: "disk_full",
      title: inodes ? "The volume is running out of inodes (many small files)" : "Volume is filling up",
      confidence: 85,
      why: [
        `${Math.round(used.last * 100)}% ${inodes ? "of inodes " : ""}used (was ${Math.round(used.first * 100)}% at the start of the window)`,
        eta === null ? "usage is not growing inside the window" : `at this rate the volume is full in about ${eta < 1 ? `${Math.round(eta * 60)} min` : `${eta.toFixed(1)} h`}`,
      ],
      counter: eta === null ? [`${what} is not growing inside the window: it may be full but stable`] : [],
      steps: [
        promql(`predict_linear((${queries(f.target, f.alert)[0]?.query ?? ""})[6h:5m], 24 * 3600)`),
        ...(pvc && f.target.namespace ? [kubectl`-n ${f.target.namespace} get pvc ${pvc}`, kubectl`-n ${f.target.namespace} get pods -o wide`] : []),
        ...(inodes ? [text("Find the directory with the most files: find <mount> -xdev -type f | cut -d/ -f2-4 | sort | uniq -c | sort -rn | head")] : []),
      ],
    },
  ];
}

function provisioningFinding(f: Features): Finding[] {
  const pv = f.evidence.k8s.objects?.pv;
  const pvc = f.evidence.k8s.objects?.pvc;
  const badPhase = stat(f, "pv_bad_phase");
  const events = f.events.filter((e) => /ProvisioningFailed|ProvisioningCleanupFailed|FailedBinding|VolumeFailedRecycle|VolumeFailedDelete|FailedAttachVolume|FailedMount|ExternalProvisioning/.test(e.reason));
  const pvBad = pv && (pv.phase === "Failed" || pv.phase === "Pending");
  const pvcBad = pvc && pvc.phase !== "Bound";
  if (!pvBad && !pvcBad && !events.length && !(badPhase && badPhase.last > 0)) return [];
  const pvName = pv?.name ?? f.alert.labels.persistentvolume;
  return [
    {
      label: "suspected_volume_provisioning_error",
      category: "disk_full",
      title: "A volume failed to provision, bind or reclaim",
      confidence: pvBad || events.length ? 85 : 70,
      why: [
        ...(pv ? [`PersistentVolume ${pv.name}: phase ${pv.phase}${pv.reason ? ` (${pv.reason})` : ""}${pv.message ? `: ${pv.message}` : ""}${pv.storageClass ? `, storage class ${pv.storageClass}` : ""}`] : []),
        ...(pvc ? [`PersistentVolumeClaim ${pvc.namespace}/${pvc.name}: phase ${pvc.phase}${pvc.requested ? `, requests ${pvc.requested}` : ""}`] : []),
        ...(!pv && badPhase && badPhase.last > 0 ? [`kube_persistentvolume_status_phase reports ${f.alert.labels.phase ?? "Failed/Pending"}`] : []),
        ...events.slice(0, 3).map((e) => `event ${e.reason} on ${e.involvedObject.kind} ${e.involvedObject.name} ×${e.count}: ${e.message}`),
      ],
      steps: [
        ...(pvName ? [kubectl`describe pv ${pvName}`] : []),
        ...(pvc ? [kubectl`-n ${pvc.namespace} describe pvc ${pvc.name}`] : []),
        kubectl`get storageclass`,
        text("Read the provisioner's logs (the CSI controller Deployment in its namespace) and the storage quota of the cloud account."),
      ],
    },
  ];
}

export const volumeFilling = findingsModule({
  family: "volume_filling",
  needs: { k8s: "none", logs: false, objects: ["volume"] },
  queries,
  findings: (f) => [...provisioningFinding(f), ...fillingFinding(f)],
  unknowns: (f) => [f.alert.labels.persistentvolume && !f.alert.labels.persistentvolumeclaim ? "the PersistentVolume's phase and its provisioner's events" : "how full the volume is and how fast it grows"],
});
