import { describe, expect, it } from "vitest";
import { record, redo, startHistory, undo } from "./history";

describe("history", () => {
  it("undoes and redoes in order", () => {
    let history = startHistory("a");
    history = record(history, "b");
    history = record(history, "c");
    history = undo(history);
    expect(history.present).toBe("b");
    history = undo(history);
    expect(history.present).toBe("a");
    expect(undo(history)).toBe(history); // nothing left to undo
    history = redo(redo(history));
    expect(history.present).toBe("c");
    expect(redo(history)).toBe(history);
  });

  it("drops the redo branch when a new action follows an undo", () => {
    const history = record(undo(record(startHistory(1), 2)), 3);
    expect(history).toEqual({ past: [1], present: 3, future: [] });
  });

  it("keeps at most `limit` steps back", () => {
    let history = startHistory(0);
    for (let step = 1; step <= 5; step += 1) history = record(history, step, 3);
    expect(history.past).toEqual([2, 3, 4]);
  });
});
