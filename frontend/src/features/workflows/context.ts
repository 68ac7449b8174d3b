import { createContext, useContext } from "react";
import type { RunDetail } from "../../api/hooks/workflowRuns";
import type { LocatedError, NodeSpec, NodeType } from "../../api/hooks/workflows";

/** What every node on the canvas reads without it living in the node's data (which is saved): the catalogue and
 * the last validation's errors, by node id, and the shown run (its per-node states light the nodes). */
export interface CanvasFacts {
  specs: ReadonlyMap<NodeType, NodeSpec>;
  errors: ReadonlyMap<string, LocatedError[]>;
  run: RunDetail | null;
}

export const CanvasContext = createContext<CanvasFacts>({ specs: new Map(), errors: new Map(), run: null });

export const useCanvasFacts = (): CanvasFacts => useContext(CanvasContext);
