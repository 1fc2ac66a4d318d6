import { describe, expect, it } from "vitest";
import type { Dependency } from "../report";
import { latencyRise } from "./service-causes";

const payments: Dependency = {
  address: "payments.shop.svc:8080",
  namespace: "shop",
  service: "payments",
  pod: null,
  readyEndpoints: 2,
  notReadyEndpoints: 0,
  errorRatio: 0,
  latencyP95: null,
  healthy: true,
  summary: "Service shop/payments has 2 ready endpoint(s)",
};

describe("an upstream's own latency rise", () => {
  it("is named when its p95 doubled and reached 100 ms", () => {
    expect(latencyRise({ ...payments, latencyP95: { first: 0.23, last: 2.35, max: 2.4 } })).toBe("upstream shop/payments p95 latency 230 ms → 2.4 s over the window");
    expect(latencyRise({ ...payments, latencyP95: { first: 0, last: 0.1, max: 0.1 } })).not.toBeNull();
  });

  it("is not named for a p95 that stayed under twice its start, stayed under 100 ms, or was not measured", () => {
    expect(latencyRise({ ...payments, latencyP95: { first: 1.5, last: 2.9, max: 3.5 } })).toBeNull();
    expect(latencyRise({ ...payments, latencyP95: { first: 0.02, last: 0.09, max: 0.09 } })).toBeNull();
    expect(latencyRise(payments)).toBeNull();
  });
});
