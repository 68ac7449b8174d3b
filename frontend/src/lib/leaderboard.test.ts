import { describe, expect, it } from "vitest";
import { makeTrial } from "../test/factories";
import {
  bestPerAlgorithm,
  type Delivered,
  deliveredRowIndex,
  groupByAlgorithm,
  hasSpread,
  isDeliveredTrial,
  membersSummary,
  nextSort,
  rankOf,
  ranksWithDelivered,
  scoreAxisDomain,
  scoresCaption,
  sortTrials,
  trialsValidation,
} from "./leaderboard";

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

function delivered(overrides: Partial<Delivered>): Delivered {
  return {
    kind: "ensemble",
    model_id: "m".repeat(32),
    name: "Ensemble of 2 · Survived",
    algorithm: "ensemble",
    label: "Ensemble of 2",
    score: 0.88,
    metric: "roc_auc",
    trial_number: null,
    members: [],
    rank: 2,
    fit_time: 3,
    finished_at: "2025-01-01T10:01:00Z",
    ...overrides,
  };
}

describe("groupByAlgorithm", () => {
  const best = { key: "score", direction: "desc" } as const;

  it("shows each algorithm's best trial, best algorithm first, its other trials behind it", () => {
    const groups = groupByAlgorithm(trials, best, true);
    expect(groups.map((g) => [g.algorithm, g.best.trial_number, numbers(g.others)])).toEqual([
      ["lightgbm", 3, [0]],
      ["random_forest", 1, []],
      ["extra_trees", 2, []],
    ]);
  });

  it("orders groups by the table's sort and ranks errors best when lowest", () => {
    const byName = groupByAlgorithm(trials, { key: "algorithm", direction: "asc" }, true);
    expect(byName.map((g) => g.algorithm)).toEqual(["extra_trees", "lightgbm", "random_forest"]);
    const lowerIsBetter = groupByAlgorithm(trials, best, false);
    expect(lowerIsBetter[0]?.algorithm).toBe("lightgbm");
    expect(lowerIsBetter[0]?.best.trial_number).toBe(0);
  });

  it("keeps every trial exactly once", () => {
    const many = Array.from({ length: 40 }, (_, i) => makeTrial({ trial_number: i, algorithm: i % 3 ? "svm" : "lightgbm", score: i / 100 }));
    const groups = groupByAlgorithm(many, best, true);
    expect(groups).toHaveLength(2);
    expect(groups.flatMap((g) => [g.best, ...g.others]).map((t) => t.trial_number).sort((a, b) => a - b)).toEqual(
      many.map((t) => t.trial_number),
    );
  });
});

describe("the delivered model among the trials", () => {
  const ranks = rankOf(trials, true); // trial 3 (0.9), 1 (0.85), 0 (0.8)

  it("moves trials from the ensemble's rank down one place", () => {
    expect([...ranksWithDelivered(ranks, delivered({ rank: 2 }))]).toEqual([
      [3, 1],
      [1, 3],
      [0, 4],
    ]);
    expect(ranksWithDelivered(ranks, delivered({ kind: "trial", trial_number: 3, rank: 1 }))).toEqual(ranks);
    expect(ranksWithDelivered(ranks, null)).toEqual(ranks);
  });

  it("places the ensemble's row by score among the rows shown, else on top", () => {
    const desc = { key: "score", direction: "desc" } as const;
    const asc = { key: "score", direction: "asc" } as const;
    // Flat: trials ranked 1, 2, 3 and a failed one; the ensemble outranks trial rank 2.
    expect(deliveredRowIndex([1, 2, 3, null], delivered({ rank: 2 }), desc)).toBe(1);
    expect(deliveredRowIndex([3, 2, 1, null], delivered({ rank: 2 }), asc)).toBe(2);
    // Grouped: only each algorithm's best shows (ranks 1, 5, 8): an ensemble ranked 3 goes after the first group.
    expect(deliveredRowIndex([1, 5, 8, null], delivered({ rank: 3 }), desc)).toBe(1);
    // Worse than every trial: after the last scored row, before the unscored ones; running rows on top are skipped.
    expect(deliveredRowIndex([null, 1, 2, null], delivered({ rank: 3 }), desc)).toBe(3);
    expect(deliveredRowIndex([1, 2], delivered({ rank: 2 }), { key: "fit_time", direction: "desc" })).toBe(0);
    expect(deliveredRowIndex([1, 2], delivered({ kind: "trial" }), desc)).toBeNull();
  });

  it("marks the delivered single trial, and no trial for an ensemble", () => {
    const single = delivered({ kind: "trial", trial_number: 1 });
    expect(trials.filter((t) => isDeliveredTrial(t, single)).map((t) => t.trial_number)).toEqual([1]);
    expect(trials.some((t) => isDeliveredTrial(t, delivered({})))).toBe(false);
  });
});

describe("validation in the scores' caption", () => {
  it("says what the API says, with a spread only for cross-validation", () => {
    expect(scoresCaption("ROC AUC", true, "5-fold cross-validation", "cv")).toBe(
      "Higher ROC AUC is better. Validation: 5-fold cross-validation. Scores are averages over the folds; ± is how much they varied between folds.",
    );
    const holdout = scoresCaption("RMSE", false, "20% holdout split", "holdout");
    expect(holdout).toContain("Lower RMSE is better. Validation: 20% holdout split.");
    expect(holdout).toContain("no spread");
    expect(scoresCaption("R²", true, "not recorded", null)).toBe("Higher R² is better. Validation: not recorded.");
  });

  it("finds the trials' validation and hides the spread of holdout trials", () => {
    const holdout = trials.map((t) => ({ ...t, validation: "holdout", score_std: 0 }));
    expect(trialsValidation(holdout)).toBe("holdout");
    expect(trialsValidation(trials)).toBe("cv");
    expect(trialsValidation(trials.map((t) => ({ ...t, validation: null })))).toBeNull();
    expect(hasSpread(holdout[0] as (typeof holdout)[number])).toBe(false);
    expect(hasSpread(trials[0] as (typeof trials)[number])).toBe(true);
  });
});

describe("membersSummary", () => {
  it("counts repeated algorithms and uses their labels", () => {
    const members = [{ algorithm: "ridge" }, { algorithm: "ridge" }, { algorithm: "lightgbm" }];
    const label = (name: string) => ({ ridge: "Ridge regression", lightgbm: "LightGBM" })[name] ?? name;
    expect(membersSummary(members, label)).toBe("Ridge regression ×2 · LightGBM");
    expect(membersSummary([], label)).toBe("");
  });
});
