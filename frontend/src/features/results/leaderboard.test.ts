import { describe, expect, it } from "vitest";
import { makeTrial } from "../../test/factories";
import { bestPerAlgorithm, nextSort, rankOf, scoreAxisDomain, sortTrials } from "./leaderboard";

const trials = [
  makeTrial({ trial_number: 0, algorithm: "lightgbm", score: 0.8, fit_time: 3 }),
  makeTrial({ trial_number: 1, algorithm: "random_forest", score: 0.85, fit_time: 1 }),
  makeTrial({ trial_number: 2, algorithm: "extra_trees", status: "failed", score: null, fit_time: 0.2, error: "boom" }),
  makeTrial({ trial_number: 3, algorithm: "lightgbm", score: 0.9, fit_time: 2 }),
];

const numbers = (items: { trial_number: number }[]) => items.map((t) => t.trial_number);

describe("sortTrials", () => {
  it("puts the best score first when descending, and unscored trials last either way", () => {
    expect(numbers(sortTrials(trials, { key: "score", direction: "desc" }, true))).toEqual([3, 1, 0, 2]);
    expect(numbers(sortTrials(trials, { key: "score", direction: "asc" }, true))).toEqual([0, 1, 3, 2]);
  });

  it("treats the lowest score as best for an error metric", () => {
    expect(numbers(sortTrials(trials, { key: "score", direction: "desc" }, false))).toEqual([0, 1, 3, 2]);
  });

  it("sorts by algorithm name, then trial number", () => {
    expect(numbers(sortTrials(trials, { key: "algorithm", direction: "asc" }, true))).toEqual([2, 0, 3, 1]);
  });

  it("sorts by fit time", () => {
    expect(numbers(sortTrials(trials, { key: "fit_time", direction: "desc" }, true))).toEqual([0, 3, 1, 2]);
  });

  it("does not change the input", () => {
    const copy = [...trials];
    sortTrials(trials, { key: "trial", direction: "desc" }, true);
    expect(trials).toEqual(copy);
  });
});

describe("nextSort", () => {
  it("flips the current column and starts a new one in its natural direction", () => {
    expect(nextSort({ key: "score", direction: "desc" }, "score")).toEqual({ key: "score", direction: "asc" });
    expect(nextSort({ key: "score", direction: "desc" }, "algorithm")).toEqual({ key: "algorithm", direction: "asc" });
    expect(nextSort({ key: "algorithm", direction: "asc" }, "fit_time")).toEqual({ key: "fit_time", direction: "desc" });
  });
});

describe("rankOf", () => {
  it("ranks scored trials only", () => {
    const ranks = rankOf(trials, true);
    expect([...ranks.entries()]).toEqual([
      [3, 1],
      [1, 2],
      [0, 3],
    ]);
    expect(ranks.has(2)).toBe(false);
  });
});

describe("bestPerAlgorithm", () => {
  it("keeps each algorithm's best score and trial count, best algorithm first", () => {
    expect(bestPerAlgorithm(trials, true)).toEqual([
      { algorithm: "lightgbm", best: 0.9, trials: 2 },
      { algorithm: "random_forest", best: 0.85, trials: 1 },
    ]);
  });

  it("takes the lowest as best for an error metric", () => {
    expect(bestPerAlgorithm(trials, false)).toEqual([
      { algorithm: "lightgbm", best: 0.8, trials: 2 },
      { algorithm: "random_forest", best: 0.85, trials: 1 },
    ]);
  });
});

describe("scoreAxisDomain", () => {
  it("zooms to the scores with room under the lowest bar", () => {
    expect(scoreAxisDomain([0.7956, 0.8963, 0.85])).toEqual([0.75, 0.9]);
    expect(scoreAxisDomain([12.5, 30.2])).toEqual([5, 35]);
  });

  it("starts at zero when there is a single score", () => {
    expect(scoreAxisDomain([0.9])).toEqual([0, 0.9]);
    expect(scoreAxisDomain([-2])).toEqual([-2, 0]);
    expect(scoreAxisDomain([0, 0])).toEqual([0, 1]);
    expect(scoreAxisDomain([])).toEqual([0, 1]);
  });
});
