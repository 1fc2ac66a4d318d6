import { describe, expect, it } from "vitest";
import { labelHygieneNotes } from "./label-hygiene";

describe("labelHygieneNotes", () => {
  it("is quiet for a well-labelled alert, pod names included", () => {
    expect(labelHygieneNotes({ alertname: "KubePodCrashLooping", severity: "critical", team: "payments", namespace: "payments", pod: "api-7d9f8-x2k4q" })).toEqual([]);
  });

  it("flags ephemeral label values and per-request keys", () => {
    const notes = labelHygieneNotes({
      alertname: "HighErrorRate",
      severity: "warning",
      service: "checkout",
      request_id: "abc",
      job_uid: "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f",
    });
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/request_id.*per-request value/);
    expect(notes[1]).toMatch(/job_uid.*UUID/);
  });

  it("flags missing routing labels", () => {
    const notes = labelHygieneNotes({ alertname: "Mystery" });
    expect(notes.join("\n")).toMatch(/no severity label/);
    expect(notes.join("\n")).toMatch(/cannot be routed/);
  });
});
