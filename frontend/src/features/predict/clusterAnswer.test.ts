import { describe, expect, it } from "vitest";
import { clusterAnswer, clusterNames } from "./clusterAnswer";

const names = clusterNames([
  { id: 0, name: "long petals" },
  { id: 1, name: "short petals" },
]);

describe("clusterAnswer", () => {
  it("takes the server's cluster and name for the row", () => {
    const answer = clusterAnswer({ clusters: [1], cluster_names: ["short petals"], predictions: [1], probabilities: null }, names);
    expect(answer).toEqual({ id: 1, name: "short petals", probabilities: null });
  });

  it("names the membership probabilities by cluster", () => {
    const answer = clusterAnswer(
      { clusters: [0], cluster_names: ["long petals"], predictions: [0], probabilities: [{ "0": 0.9, "1": 0.08, "2": 0.02 }] },
      names,
    );
    expect(answer.probabilities).toEqual({ "long petals": 0.9, "short petals": 0.08, "Cluster 2": 0.02 });
  });

  it("keeps two clusters of the same name apart", () => {
    const twins = clusterNames([
      { id: 0, name: "typical" },
      { id: 1, name: "typical" },
    ]);
    const answer = clusterAnswer({ clusters: [0], cluster_names: ["typical"], predictions: [0], probabilities: [{ "0": 0.6, "1": 0.4 }] }, twins);
    expect(answer.probabilities).toEqual({ typical: 0.6, "typical (1)": 0.4 });
  });

  it("falls back on the card's names, then on the id, when the answer has no names", () => {
    expect(clusterAnswer({ clusters: null, cluster_names: null, predictions: ["1"], probabilities: null }, names).name).toBe("short petals");
    expect(clusterAnswer({ clusters: [4], cluster_names: null, predictions: [4], probabilities: null }, new Map()).name).toBe("Cluster 4");
    expect(clusterNames(undefined).size).toBe(0);
  });
});
