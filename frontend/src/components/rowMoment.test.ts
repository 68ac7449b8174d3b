import { describe, expect, it } from "vitest";
import { formatDateTime } from "../lib/time";
import { rowMoment } from "./rowMoment";

describe("rowMoment", () => {
  const now = Date.parse("2025-03-01T12:00:00Z");

  it("shows how long ago, with the exact time as the tooltip", () => {
    expect(rowMoment("2025-03-01T11:55:00Z", "Never", now)).toEqual({
      text: "5 min ago",
      title: formatDateTime("2025-03-01T11:55:00Z"),
    });
  });

  it("reads a timestamp without a zone as UTC, as the API sends them", () => {
    expect(rowMoment("2025-03-01T10:00:00", "Never", now).text).toBe("2 h ago");
  });

  it("says never, without a tooltip, when nothing happened yet", () => {
    expect(rowMoment(null)).toEqual({ text: "Never", title: undefined });
    expect(rowMoment(undefined)).toEqual({ text: "Never", title: undefined });
    expect(rowMoment("", "Not yet")).toEqual({ text: "Not yet", title: undefined });
  });
});
