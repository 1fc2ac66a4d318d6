import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkPromqlScope } from "./promql-scope";
import { ScopeRefusal, type ChatScope } from "./scope";

const podCase: ChatScope = { kind: "case", caseId: "c", cluster: "c1", namespace: "payments", node: null, pod: "api-1", container: null };
const nodeCase: ChatScope = { kind: "case", caseId: "c", cluster: "c1", namespace: null, node: "node-a", pod: null, container: null };

function refusal(query: string, scope: ChatScope = podCase): string | null {
  try {
    checkPromqlScope(query, scope);
    return null;
  } catch (e) {
    if (e instanceof ScopeRefusal) return e.message;
    throw e;
  }
}

describe("checkPromqlScope", () => {
  it("accepts queries whose every selector carries the case's exact namespace matcher", () => {
    expect(refusal('sum(rate(container_cpu_usage_seconds_total{namespace="payments",pod=~"api-.*"}[5m])) by (pod)')).toBeNull();
    expect(refusal(`container_memory_working_set_bytes{"namespace"='payments'} / on(pod) kube_pod_container_resource_limits{namespace="payments"}`)).toBeNull();
    expect(refusal('{__name__="up", namespace="payments"}')).toBeNull();
    expect(refusal('max_over_time(up{namespace="payments"}[1h:5m])')).toBeNull();
  });

  it("refuses a selector without the matcher, with another namespace, or with a regex/negative namespace matcher", () => {
    expect(refusal("up")).toMatch(/every series selector must carry namespace="payments"; up does not/);
    expect(refusal('up{namespace="billing"}')).toMatch(/up\{namespace="billing"\} does not/);
    expect(refusal('up{namespace=~"pay.*"}')).toMatch(/does not/);
    expect(refusal('up{namespace!="billing"}')).toMatch(/does not/);
    expect(refusal('up{namespace="payments"} or up{namespace="kube-system"}')).toMatch(/kube-system/);
    expect(refusal('sum(up{namespace="payments"}) + count(kube_pod_info)')).toMatch(/kube_pod_info does not/);
    expect(refusal('label_replace(up{job="x"}, "namespace", "payments", "", "")')).toMatch(/does not/);
  });

  it("holds node cases to the node, refuses what does not parse, and lets chats across cases query anything", () => {
    expect(refusal('node_load1{instance="node-a:9100"}', nodeCase)).toBeNull();
    expect(refusal('kube_node_status_condition{node="node-a"}', nodeCase)).toBeNull();
    expect(refusal('node_load1{instance="node-b:9100"}', nodeCase)).toMatch(/node="node-a"/);
    expect(refusal("sum(rate(up{namespace=\"payments\"}[5m])")).toMatch(/does not parse/);
    expect(refusal("1 + 1")).toMatch(/selects no series/);
    expect(refusal("up", { kind: "global" })).toBeNull();
    expect(refusal("x".repeat(3000), { kind: "global" })).toMatch(/longer than/);
  });

  it("never accepts a query with an unscoped selector, whatever the rest of it looks like (property)", () => {
    const keywords = new Set(["inf", "nan", "and", "or", "unless", "by", "without", "on", "ignoring", "bool", "offset", "atan2", "group_left", "group_right", "start", "end", "step", "range"]);
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/).filter((n) => !keywords.has(n));
    const ns = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
    fc.assert(
      fc.property(name, name, ns, fc.constantFrom("+", "or", "and", "/", "unless"), (a, b, other, op) => {
        const scoped = `${a}{namespace="payments"}`;
        const query = `${scoped} ${op} ${b}{namespace="${other}"}`;
        expect(refusal(query) === null).toBe(other === "payments");
        expect(refusal(scoped)).toBeNull();
      }),
    );
  });
});
