import { isIP } from "node:net";
import { ServiceError } from "@/lib/errors";

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label: what namespaces and container names must be (`..` and `a/b` are not). */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && dns1123Label.test(value);
}

/** RFC 1123 subdomain: what pod, workload, node and secret names must be. */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && value.split(".").every((part) => dns1123Label.test(part));
}

/**
 * Label selector syntax only (`a=b,c!=d`, `k in (x,y)`, `!k`): label characters, operators, commas,
 * parentheses and spaces. A label value from an alert carrying anything else never becomes a selector.
 */
export function isLabelSelector(value: string): boolean {
  return value.length <= 1_000 && /^[A-Za-z0-9._/=!,() -]+$/.test(value);
}

/** A literal IPv4 or IPv6 address (what a pod IP field selector may carry). */
export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/** Event reason (`FailedScheduling`, `BackOff`): a CamelCase word, so it is safe inside a field selector. */
export function isEventReason(value: string): boolean {
  return value.length <= 128 && /^[A-Za-z][A-Za-z0-9]*$/.test(value);
}

/**
 * Throws invalid_input naming the first value that is not a valid Kubernetes name, before it can
 * reach an API path: the client would send `namespace=".."` as `/api/v1/namespaces/../pods`, which
 * the URL resolves to the cluster-wide `/api/v1/pods`.
 */
export function assertKubernetesNames(names: { namespace?: string; container?: string; [object: string]: string | undefined }): void {
  for (const [what, value] of Object.entries(names)) {
    if (value === undefined) continue;
    const valid = what === "namespace" || what === "container" ? isDns1123Label(value) : isDns1123Subdomain(value);
    if (!valid) {
      throw new ServiceError("invalid_input", `${what} ${JSON.stringify(value.slice(0, 100))} is not a valid Kubernetes name (RFC 1123); not looked up`, {
        details: { provider: "kubernetes", reason: "invalid_name" },
      });
    }
  }
}
