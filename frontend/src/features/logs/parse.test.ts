import { describe, expect, it } from "vitest";
import { countLevels, filterLog, isAtBottom, isStaticAssetRequest, levelClass, parseLog } from "./parse";

// Lines as flowml writes them (copied from a real server log), plus a traceback.
const LINES = [
  "2026-11-23 00:12:26.774 | INFO     | Started server process [14708]",
  "2026-11-23 00:12:33.893 | INFO     | job 5a37091f started (deadline 2026-11-23 00:12:51+00:00)",
  "2026-11-23 00:12:34.100 | DEBUG    | polling | with a pipe in the message",
  "2026-11-23 00:12:35.000 | WARNING  | worker gpu-1 stopped responding",
  "2026-11-23 00:12:36.000 | ERROR    | trial 3 failed",
  "Traceback (most recent call last):",
  '  File "x.py", line 1, in <module>',
  "ValueError: bad input",
  "2026-11-23 00:12:37.000 | SUCCESS  | model saved",
];

describe("parseLog", () => {
  const entries = parseLog(LINES);

  it("reads time, level and message", () => {
    expect(entries[0]).toEqual({
      index: 0,
      time: "2026-11-23 00:12:26.774",
      level: "INFO",
      message: "Started server process [14708]",
      more: [],
    });
    expect(entries[2]?.message).toBe("polling | with a pipe in the message");
  });

  it("attaches continuation lines to the entry above", () => {
    expect(entries).toHaveLength(6);
    expect(entries[4]?.level).toBe("ERROR");
    expect(entries[4]?.more).toEqual(["Traceback (most recent call last):", '  File "x.py", line 1, in <module>', "ValueError: bad input"]);
    expect(entries[5]).toMatchObject({ index: 8, level: "SUCCESS" });
  });

  it("keeps lines before the first prefixed line, without a level", () => {
    const cut = parseLog(["ValueError: tail started mid-traceback", "2026-11-23 00:00:00.000 | INFO     | ok"]);
    expect(cut[0]).toMatchObject({ level: null, time: null, message: "ValueError: tail started mid-traceback" });
    expect(cut[1]?.level).toBe("INFO");
  });

  it("treats an unknown level name as unlevelled", () => {
    expect(parseLog(["2026-11-23 00:00:00.000 | NOTICE   | custom"])[0]?.level).toBeNull();
  });
});

describe("filterLog", () => {
  const entries = parseLog(LINES);

  it("keeps entries at or above the minimum level", () => {
    expect(filterLog(entries, "all", "")).toHaveLength(6);
    expect(filterLog(entries, "INFO", "").map((e) => e.level)).toEqual(["INFO", "INFO", "WARNING", "ERROR", "SUCCESS"]);
    expect(filterLog(entries, "WARNING", "").map((e) => e.level)).toEqual(["WARNING", "ERROR"]);
    expect(filterLog(entries, "ERROR", "").map((e) => e.level)).toEqual(["ERROR"]);
  });

  it("searches messages and continuation lines, ignoring case", () => {
    expect(filterLog(entries, "all", "GPU-1").map((e) => e.index)).toEqual([3]);
    expect(filterLog(entries, "all", "valueerror").map((e) => e.index)).toEqual([4]);
    expect(filterLog(entries, "all", "   ")).toHaveLength(6);
    expect(filterLog(entries, "WARNING", "server process")).toEqual([]);
  });
});

describe("helpers", () => {
  it("counts entries per level", () => {
    expect(countLevels(parseLog(LINES))).toEqual({ INFO: 2, DEBUG: 1, WARNING: 1, ERROR: 1, SUCCESS: 1 });
  });

  it("colours errors and warnings", () => {
    expect(levelClass("ERROR")).toBe("text-danger");
    expect(levelClass("CRITICAL")).toBe("text-danger");
    expect(levelClass("WARNING")).toBe("text-warn");
    expect(levelClass("INFO")).toBe("text-accent");
    expect(levelClass(null)).toBe("text-fg");
  });

  it("tells whether a box is scrolled to the bottom", () => {
    expect(isAtBottom({ scrollTop: 580, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(isAtBottom({ scrollTop: 500, scrollHeight: 1000, clientHeight: 400 })).toBe(false);
    expect(isAtBottom({ scrollTop: 0, scrollHeight: 300, clientHeight: 400 })).toBe(true);
  });
});

describe("static file requests", () => {
  // uvicorn's access lines as the server log holds them after a page load.
  const ACCESS = [
    '2026-11-23 00:12:40.000 | INFO     | 127.0.0.1:51234 - "GET /assets/index-D1NoIg6d.js HTTP/1.1" 200',
    '2026-11-23 00:12:40.001 | INFO     | 127.0.0.1:51234 - "GET /assets/index-BXk2.css?v=3 HTTP/1.1" 304',
    '2026-11-23 00:12:40.002 | INFO     | 127.0.0.1:51234 - "GET /favicon.svg HTTP/1.1" 200',
    '2026-11-23 00:12:40.003 | INFO     | 127.0.0.1:51234 - "GET /assets/missing.js HTTP/1.1" 404',
    '2026-11-23 00:12:40.004 | INFO     | 127.0.0.1:51234 - "GET /api/training/jobs HTTP/1.1" 200',
    '2026-11-23 00:12:40.005 | INFO     | 127.0.0.1:51234 - "POST /api/datasets/upload HTTP/1.1" 201',
    "2026-11-23 00:12:40.006 | INFO     | job 5a37091f started, loading /assets/index.js from nowhere",
  ];
  const entries = parseLog(ACCESS);

  it("are successful requests for the dashboard's own files only", () => {
    expect(entries.map(isStaticAssetRequest)).toEqual([true, true, true, false, false, false, false]);
  });

  it("are hidden when asked, and shown by default", () => {
    expect(filterLog(entries, "all", "")).toHaveLength(7);
    expect(filterLog(entries, "all", "", { hideAssets: true }).map((entry) => entry.index)).toEqual([3, 4, 5, 6]);
    expect(filterLog(entries, "all", "assets", { hideAssets: true }).map((entry) => entry.index)).toEqual([3, 6]);
  });
});
