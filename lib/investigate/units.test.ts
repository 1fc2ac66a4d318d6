import { describe, expect, it } from "vitest";
import { formatBytes, formatCores, formatDuration, formatPercent, formatResource, formatValue, parseQuantity } from "./units";

describe("human units", () => {
  it("writes bytes in binary units, cores and millicores, percentages and durations", () => {
    expect(formatBytes(268435456)).toBe("256 MiB");
    expect(formatBytes(1.5 * 2 ** 30)).toBe("1.5 GiB");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatCores(0.25)).toBe("250m");
    expect(formatCores(2)).toBe("2 cores");
    expect(formatPercent(0.956)).toBe("96%");
    expect(formatPercent(0.012)).toBe("1.2%");
    expect(formatDuration(0.0042)).toBe("4.2 ms");
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(5400)).toBe("90 min");
    expect(formatDuration(3 * 86_400)).toBe("3 days");
    expect(formatValue(2.6e8, "bytes")).toBe("248 MiB");
    expect(formatValue(5 * 2 ** 20, "bytes/s")).toBe("5 MiB/s");
    expect(formatValue(12.5, "restarts")).toBe("12.5 restarts");
  });

  it("reads Kubernetes quantities", () => {
    expect(parseQuantity("500m")).toBe(0.5);
    expect(parseQuantity("8Gi")).toBe(8 * 2 ** 30);
    expect(parseQuantity("20")).toBe(20);
    expect(parseQuantity("lots")).toBeNull();
    expect(formatResource("requests.memory", 8 * 2 ** 30)).toBe("8 GiB");
    expect(formatResource("limits.cpu", 3.5)).toBe("3.5 cores");
    expect(formatResource("pods", 20)).toBe("20");
  });
});
