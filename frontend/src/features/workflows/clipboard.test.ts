import type { Edge } from "@xyflow/react";
import { describe, expect, it } from "vitest";
import { copySelection, pasteClip, PASTE_OFFSET } from "./clipboard";
import type { StepNode } from "./graph";

const node = (id: string, type: StepNode["type"], selected: boolean): StepNode => ({
  id,
  type,
  position: { x: 10, y: 20 },
  data: { settings: { seed: 1 } },
  selected,
  measured: { width: 100, height: 50 },
});
const edge = (source: string, target: string): Edge => ({ id: `${source}-${target}`, source, sourceHandle: "out", target, targetHandle: "in" });

describe("copy and paste", () => {
  const nodes = [node("split-1", "split", true), node("model-1", "model", true), node("dataset-1", "dataset", false)];
  const edges = [edge("split-1", "model-1"), edge("dataset-1", "split-1")];

  it("copies the selected nodes and only the edges between them", () => {
    const clip = copySelection(nodes, edges);
    expect(clip?.nodes.map((item) => item.id)).toEqual(["split-1", "model-1"]);
    expect(clip?.edges.map((item) => item.id)).toEqual(["split-1-model-1"]);
    expect(clip?.nodes[0]).not.toHaveProperty("measured");
    expect(copySelection([node("a", "split", false)], [])).toBeNull();
  });

  it("pastes with fresh ids, remapped edges, shifted positions and copied settings", () => {
    const clip = copySelection(nodes, edges)!;
    const pasted = pasteClip(clip, new Set(nodes.map((item) => item.id)));
    expect(pasted.nodes.map((item) => item.id)).toEqual(["split-2", "model-2"]);
    expect(pasted.nodes[0]?.position).toEqual({ x: 10 + PASTE_OFFSET.x, y: 20 + PASTE_OFFSET.y });
    expect(pasted.nodes.every((item) => item.selected)).toBe(true);
    expect(pasted.edges).toEqual([
      { id: "split-2.out-model-2.in", source: "split-2", sourceHandle: "out", target: "model-2", targetHandle: "in" },
    ]);
    // A deep copy: editing the paste's settings leaves the clip (and so the original) alone.
    (pasted.nodes[0]!.data.settings as Record<string, unknown>).seed = 9;
    expect(clip.nodes[0]!.data.settings).toEqual({ seed: 1 });
  });

  it("pastes twice without colliding and moves each paste further", () => {
    const clip = copySelection(nodes, edges)!;
    const first = pasteClip(clip, new Set(nodes.map((item) => item.id)));
    const taken = new Set([...nodes, ...first.nodes].map((item) => item.id));
    const second = pasteClip(clip, taken, 2);
    expect(second.nodes.map((item) => item.id)).toEqual(["split-3", "model-3"]);
    expect(second.nodes[1]?.position.x).toBe(10 + 2 * PASTE_OFFSET.x);
  });
});
