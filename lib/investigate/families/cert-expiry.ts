import type { NormalizedAlert } from "@/lib/alerts/schema";
import { kubectl, nsFlag, promql, sh, text } from "../commands";
import { type Features, stat } from "../features";
import { selector, withMatcher } from "../promql";
import type { Step, Target } from "../report";
import { type Finding, findingsModule } from "./findings";
import { alertExprQuery } from "../alert-expression";
import { formatSeconds } from "./trend";
import type { MetricQuery } from "./types";

/** Where the certificate is seen: a probed endpoint (blackbox), a Secret or file (x509-certificate-exporter), a cert-manager Certificate. */
type Sources = {
  endpoint: string | null;
  secret: { namespace: string | null; name: string | null; filepath: string | null } | null;
  certificate: { namespace: string; name: string } | null;
};

function sourcesOf(t: Target, alert: NormalizedAlert): Sources {
  const l = alert.labels;
  const certName = l.certificate ?? l.name ?? null;
  return {
    endpoint: l.instance ?? null,
    secret: l.secret_name || l.filepath ? { namespace: l.secret_namespace ?? t.namespace, name: l.secret_name ?? null, filepath: l.filepath ?? null } : null,
    certificate: certName && t.namespace ? { namespace: t.namespace, name: certName } : null,
  };
}

function queries(t: Target, alert: NormalizedAlert): MetricQuery[] {
  const s = sourcesOf(t, alert);
  const left = (metric: string) => `min(${metric} - time())`;
  const out: MetricQuery[] = [...alertExprQuery(alert)];
  if (s.endpoint) {
    out.push({ id: "probe_expiry", title: `Certificate served by ${s.endpoint}: time left`, unit: "seconds", query: left(`probe_ssl_earliest_cert_expiry${selector({ instance: s.endpoint })}`) });
  }
  if (s.secret) {
    const sel = selector({ secret_namespace: s.secret.namespace, secret_name: s.secret.name, filepath: s.secret.filepath });
    out.push({ id: "x509_expiry", title: `Certificate in ${s.secret.name ?? s.secret.filepath}: time left`, unit: "seconds", query: left(`x509_cert_not_after${sel}`) });
  }
  if (s.certificate) {
    const sel = selector({ namespace: s.certificate.namespace, name: s.certificate.name });
    out.push(
      { id: "cm_expiry", title: `cert-manager Certificate ${s.certificate.name}: time left`, unit: "seconds", query: left(`certmanager_certificate_expiration_timestamp_seconds${sel}`) },
      { id: "cm_renewal", title: `cert-manager Certificate ${s.certificate.name}: time until planned renewal`, unit: "seconds", query: left(`certmanager_certificate_renewal_timestamp_seconds${sel}`) },
      { id: "cm_not_ready", title: `cert-manager Certificate ${s.certificate.name} not Ready`, unit: "bool", query: `max(certmanager_certificate_ready_status${withMatcher(sel, 'condition="False"')})` },
    );
  }
  if (!s.endpoint && !s.secret && !s.certificate) {
    // Nothing names the certificate: the earliest expiry of each kind still says whether one is close.
    out.push(
      { id: "probe_expiry", title: "Earliest probed certificate: time left", unit: "seconds", query: left("probe_ssl_earliest_cert_expiry") },
      { id: "cm_expiry", title: "Earliest cert-manager Certificate: time left", unit: "seconds", query: left("certmanager_certificate_expiration_timestamp_seconds") },
    );
  }
  return out;
}

function hostPort(endpoint: string): string {
  try {
    const u = new URL(endpoint.includes("://") ? endpoint : `https://${endpoint}`);
    return `${u.hostname}:${u.port || "443"}`;
  } catch {
    return endpoint;
  }
}

type Expiry = { seconds: number; what: string; steps: Step[] };

/** The soonest expiry any source measured, and the certificate it belongs to. */
function soonest(f: Features, s: Sources): Expiry | null {
  const found: Expiry[] = [];
  const probe = stat(f, "probe_expiry");
  if (probe) {
    const hp = s.endpoint ? hostPort(s.endpoint) : null;
    found.push({
      seconds: probe.last,
      what: hp ? `the certificate served by ${hp}` : "the earliest-expiring probed certificate",
      steps: hp
        ? [text(`Read the served certificate: ${sh`openssl s_client -connect ${hp} -servername ${hp.replace(/:\d+$/, "")} </dev/null 2>/dev/null | openssl x509 -noout -subject -issuer -enddate`}`)]
        : [promql("sort((probe_ssl_earliest_cert_expiry - time()) / 86400)")],
    });
  }
  const x509 = stat(f, "x509_expiry");
  if (x509 && s.secret) {
    const ns = nsFlag(s.secret.namespace);
    found.push({
      seconds: x509.last,
      what: s.secret.name ? `Secret ${s.secret.namespace ? `${s.secret.namespace}/` : ""}${s.secret.name}` : `file ${s.secret.filepath}`,
      steps: s.secret.name ? [kubectl`${ns}get secret ${s.secret.name} -o jsonpath='{.data.tls\\.crt}' | base64 -d | openssl x509 -noout -subject -issuer -enddate`] : [],
    });
  }
  const cm = stat(f, "cm_expiry");
  if (cm) {
    found.push({
      seconds: cm.last,
      what: s.certificate ? `cert-manager Certificate ${s.certificate.namespace}/${s.certificate.name}` : "the earliest-expiring cert-manager Certificate",
      steps: s.certificate ? [kubectl`-n ${s.certificate.namespace} describe certificate ${s.certificate.name}`] : [kubectl`get certificates -A`],
    });
  }
  return found.sort((a, b) => a.seconds - b.seconds)[0] ?? null;
}

function leftText(seconds: number): string {
  return seconds <= 0 ? `expired ${formatSeconds(-seconds)} ago` : `expires in ${formatSeconds(seconds)}`;
}

const failingKinds = new Set(["Certificate", "CertificateRequest", "Order", "Challenge"]);

function rotationFinding(f: Features, s: Sources, expiry: Expiry | null): Finding | null {
  const why: string[] = [];
  const renewal = stat(f, "cm_renewal");
  // cert-manager needs a moment after the renewal time; an hour past it means renewal is not happening.
  if (renewal && renewal.last < -3600) why.push(`cert-manager's planned renewal time passed ${formatSeconds(-renewal.last)} ago and the certificate was not renewed`);
  if ((stat(f, "cm_not_ready")?.last ?? 0) >= 1) why.push("certmanager_certificate_ready_status reports the Certificate not Ready");
  for (const e of f.events.filter((x) => x.type === "Warning" && failingKinds.has(x.involvedObject.kind)).slice(0, 3)) {
    why.push(`event on ${e.involvedObject.kind} ${e.involvedObject.name}: ${e.reason} ×${e.count}: ${e.message.slice(0, 200)}`);
  }
  if (why.length === 0) return null;
  const c = s.certificate;
  if (expiry) why.unshift(`${expiry.what} ${leftText(expiry.seconds)}`);
  return {
    label: "suspected_cert_rotation_failure",
    category: "cert_expiry",
    title: `Certificate rotation is failing${c ? ` for ${c.namespace}/${c.name}` : ""}`,
    confidence: 88,
    why,
    steps: c
      ? [
          kubectl`-n ${c.namespace} describe certificate ${c.name}`,
          kubectl`-n ${c.namespace} get certificaterequests,orders.acme.cert-manager.io,challenges.acme.cert-manager.io`,
          kubectl`-n cert-manager logs deploy/cert-manager --tail=200`,
          text(`Once the issuer problem is fixed, force a renewal: ${sh`cmctl renew -n ${c.namespace} ${c.name}`}`),
        ]
      : [kubectl`get certificates -A`, kubectl`-n cert-manager logs deploy/cert-manager --tail=200`],
  };
}

function expiringFinding(expiry: Expiry | null): Finding | null {
  if (!expiry || expiry.seconds > 30 * 86_400) return null;
    return {
    label: "suspected_cert_expiring",
    category: "cert_expiry",
    title: `${expiry.what.charAt(0).toUpperCase()}${expiry.what.slice(1)} ${leftText(expiry.seconds)}`,
    confidence: expiry.seconds < 2 * 86_400 ? 85 : 75,
    why: [
      `${expiry.what} ${leftText(expiry.seconds)}`,
      expiry.seconds <= 0 ? "clients that verify it fail now: replace it first, then find why it was not renewed" : "renew it (or find who owns it) before then, and reload or restart what serves it",
    ],
    steps: [...expiry.steps, kubectl`get certificates -A`],
  };
}

export const certExpiry = findingsModule({
  family: "cert_expiry",
  needs: { k8s: "none", logs: false },
  queries,
  findings(f) {
    const s = sourcesOf(f.target, f.alert);
    const expiry = soonest(f, s);
    return [rotationFinding(f, s, expiry), expiringFinding(expiry)].filter((x): x is Finding => x !== null);
  },
  unknowns(f) {
    const expiry = soonest(f, sourcesOf(f.target, f.alert));
    return [
      expiry
        ? `${expiry.what} ${leftText(expiry.seconds)}: not close; the alert may be about another certificate than the one measured`
        : "how long the certificate has left (probe_ssl_earliest_cert_expiry, x509_cert_not_after or certmanager_certificate_expiration_timestamp_seconds)",
      "whether cert-manager (or another rotation) is renewing it",
    ];
  },
});
