import {
  addEdge,
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type NodeTypes,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { LayoutGrid, Play, Redo2, Save, ShieldCheck, Undo2 } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties, type DragEvent } from "react";
import { ApiError } from "../../../api/errors";
import {
  useSaveWorkflow,
  useValidateWorkflow,
  type LocatedError,
  type NodeSpec,
  type NodeType,
  type Workflow,
} from "../../../api/hooks/workflows";
import { Button } from "../../../components/ui/button";
import { connectionProblem } from "../accepts";
import { CanvasContext } from "../context";
import { freshId, layout, toCanvas, toGraph, type StepNode as StepNodeType } from "../graph";
import { record, redo, startHistory, undo, type History } from "../history";
import { defaultSettings, fieldsFromSchema } from "../schemaForm";
import { useColorMode } from "../theme";
import { DRAG_TYPE, Palette } from "./Palette";
import { SettingsPanel } from "./SettingsPanel";
import { StepNode } from "./StepNode";

/** Autosave waits this long after the last change, so a burst of edits is one save (and one version). */
export const AUTOSAVE_MS = 1500;

const NODE_TYPES: NodeTypes = Object.fromEntries(
  (["dataset", "split", "preprocessing", "model", "evaluation", "visualization", "deploy"] satisfies NodeType[]).map((type) => [type, StepNode]),
);

// React Flow's colours from the app's palette (index.css), so both themes match the rest of the dashboard.
const FLOW_STYLE = {
  "--xy-background-color": "var(--bg)",
  "--xy-node-background-color": "var(--surface)",
  "--xy-edge-stroke": "var(--line-strong)",
  "--xy-edge-stroke-selected": "var(--accent)",
  "--xy-minimap-background-color": "var(--surface)",
  "--xy-controls-button-background-color": "var(--raised)",
  "--xy-controls-button-color": "var(--fg)",
  "--xy-controls-button-border-color": "var(--line)",
} as CSSProperties;

const CONFLICT = "Saved meanwhile elsewhere (another tab?): reload to see that version; these changes are not saved.";

type SaveState = { kind: "saved" } | { kind: "dirty" } | { kind: "saving" } | { kind: "failed"; message: string };

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

interface EditorProps {
  workflow: Workflow;
  catalogue: NodeSpec[];
}

/** The canvas: palette, graph, settings of the selected node, saving (autosave too), undo/redo and validation. */
export function WorkflowEditor({ workflow, catalogue }: EditorProps) {
  const readOnly = !workflow.can_change;
  const specs = useMemo(() => new Map(catalogue.map((spec) => [spec.type, spec])), [catalogue]);
  const initial = useMemo(() => toCanvas(workflow.graph), [workflow.graph]);
  const [nodes, setNodes] = useState<StepNodeType[]>(initial.nodes);
  const [edges, setEdges] = useState<Edge[]>(initial.edges);
  const { screenToFlowPosition, fitView } = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const colorMode = useColorMode();

  // ------------------------------------------------------------ undo and redo: snapshots of the saved shape
  const graphJson = useMemo(() => JSON.stringify(toGraph({ nodes, edges })), [nodes, edges]);
  const [history, setHistory] = useState<History<string>>(() => startHistory(graphJson));
  const dragging = nodes.some((node) => node.dragging);
  useEffect(() => {
    // A drag is one step when it ends, not one per frame.
    if (dragging || graphJson === history.present) return;
    setHistory((current) => record(current, graphJson));
  }, [graphJson, dragging, history.present]);
  const restore = useCallback((next: History<string>) => {
    const canvas = toCanvas(JSON.parse(next.present));
    setHistory(next);
    setNodes(canvas.nodes);
    setEdges(canvas.edges);
  }, []);
  const stepBack = useCallback(() => restore(undo(history)), [history, restore]);
  const stepForward = useCallback(() => restore(redo(history)), [history, restore]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (readOnly || isTyping(event.target) || !(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) stepBack();
      else if ((key === "z" && event.shiftKey) || key === "y") stepForward();
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [readOnly, stepBack, stepForward]);

  // ------------------------------------------------------------ saving: PUT with the version it starts from
  const save = useSaveWorkflow(workflow.id);
  const [saved, setSaved] = useState({ json: graphJson, version: workflow.version });
  const [saveState, setSaveState] = useState<SaveState>({ kind: "saved" });
  const dirty = graphJson !== saved.json;
  const saveNow = useCallback(async (): Promise<boolean> => {
    if (readOnly) return false;
    const sent = graphJson;
    setSaveState({ kind: "saving" });
    try {
      const answer = await save.mutateAsync({ graph: JSON.parse(sent), base_version: saved.version });
      setSaved({ json: sent, version: answer.version });
      setSaveState({ kind: "saved" });
      return true;
    } catch (cause) {
      const conflict = cause instanceof ApiError && cause.status === 409;
      setSaveState({ kind: "failed", message: conflict ? CONFLICT : cause instanceof ApiError ? cause.message : "The save failed" });
      return false;
    }
  }, [graphJson, readOnly, save, saved.version]);
  const conflicted = saveState.kind === "failed" && saveState.message === CONFLICT;
  useEffect(() => {
    if (!dirty || dragging || readOnly || conflicted || saveState.kind === "saving") return;
    const timer = window.setTimeout(() => void saveNow(), AUTOSAVE_MS);
    return () => window.clearTimeout(timer);
  }, [dirty, dragging, readOnly, conflicted, saveState.kind, saveNow]);

  // ------------------------------------------------------------ validation: the server is the authority
  const validate = useValidateWorkflow(workflow.id);
  const [problems, setProblems] = useState<LocatedError[] | null>(null);
  const runValidation = async () => {
    if (dirty && !(await saveNow())) return;
    const answer = await validate.mutateAsync();
    setProblems(answer.errors);
  };
  const errorsByNode = useMemo(() => {
    const grouped = new Map<string, LocatedError[]>();
    for (const problem of problems ?? []) {
      if (problem.node_id) grouped.set(problem.node_id, [...(grouped.get(problem.node_id) ?? []), problem]);
    }
    return grouped;
  }, [problems]);
  const facts = useMemo(() => ({ specs, errors: errorsByNode }), [specs, errorsByNode]);

  // ------------------------------------------------------------ editing
  const [notice, setNotice] = useState<string | null>(null);
  const onNodesChange = useCallback((changes: NodeChange<StepNodeType>[]) => setNodes((current) => applyNodeChanges(changes, current)), []);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => setEdges((current) => applyEdgeChanges(changes, current)), []);
  const problemOf = useCallback(
    (connection: Connection | Edge) => {
      const typeOf = (id: string) => nodes.find((node) => node.id === id)?.type;
      const source = typeOf(connection.source);
      const target = typeOf(connection.target);
      return connectionProblem({
        source: source && specs.get(source),
        sourceHandle: connection.sourceHandle,
        target: target && specs.get(target),
        targetHandle: connection.targetHandle,
        sameNode: connection.source === connection.target,
      });
    },
    [nodes, specs],
  );
  const isValidConnection = useCallback((connection: Connection | Edge) => problemOf(connection) === null, [problemOf]);
  const onConnect = useCallback(
    (connection: Connection) => {
      setNotice(null);
      const id = `${connection.source}.${connection.sourceHandle}-${connection.target}.${connection.targetHandle}`;
      setEdges((current) => addEdge({ ...connection, id }, current));
    },
    [],
  );
  // A refused edge is simply not drawn; say why, in the status line.
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (!state.fromHandle || !state.toHandle || state.isValid) return;
      const [from, to] = state.fromHandle.type === "source" ? [state.fromHandle, state.toHandle] : [state.toHandle, state.fromHandle];
      const problem = problemOf({ source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null });
      if (problem) setNotice(`Not connected: ${problem}.`);
    },
    [problemOf],
  );

  const addNode = useCallback(
    (type: NodeType, position: { x: number; y: number }) => {
      const spec = specs.get(type);
      if (!spec) return;
      setNodes((current) => {
        const id = freshId(type, new Set(current.map((node) => node.id)));
        const added: StepNodeType = { id, type, position, data: { settings: defaultSettings(fieldsFromSchema(spec.settings_schema)) }, selected: true };
        return [...current.map((node) => ({ ...node, selected: false })), added];
      });
    },
    [specs],
  );
  const addAtCentre = (type: NodeType) => {
    const box = wrapper.current?.getBoundingClientRect();
    if (!box) return;
    const centre = screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    // Nodes added one after another fan out instead of stacking exactly.
    const shift = (nodes.length % 6) * 24;
    addNode(type, { x: centre.x - 104 + shift, y: centre.y - 40 + shift });
  };
  const onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  };
  const onDrop = (event: DragEvent) => {
    const type = event.dataTransfer.getData(DRAG_TYPE) as NodeType;
    if (!type || readOnly) return;
    event.preventDefault();
    addNode(type, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };
  // Fit the view once the laid-out positions have reached React Flow (the render after the layout), not before.
  const [fitQueued, setFitQueued] = useState(false);
  useEffect(() => {
    if (!fitQueued) return;
    setFitQueued(false);
    void fitView({ padding: 0.15 });
  }, [fitQueued, nodes, fitView]);
  const autoLayout = () => {
    setNodes((current) => layout({ nodes: current, edges }));
    setFitQueued(true);
  };
  const setSettings = (id: string, settings: Record<string, unknown>) =>
    setNodes((current) => current.map((node) => (node.id === id ? { ...node, data: { ...node.data, settings } } : node)));

  const selected = nodes.filter((node) => node.selected);
  const focus = selected.length === 1 ? selected[0] : undefined;
  const focusSpec = focus && specs.get(focus.type as NodeType);
  const graphProblems = (problems ?? []).filter((problem) => !problem.node_id);
  const status =
    saveState.kind === "failed"
      ? saveState.message
      : saveState.kind === "saving"
        ? "Saving…"
        : dirty
          ? "Unsaved changes"
          : `Saved (version ${saved.version})`;

  return (
    <CanvasContext.Provider value={facts}>
      <div className="flex flex-wrap items-center gap-2 pb-3" role="toolbar" aria-label="Workflow">
        <Button variant="secondary" size="sm" onClick={stepBack} disabled={readOnly || history.past.length === 0} title="Undo (Ctrl+Z)">
          <Undo2 aria-hidden /> Undo
        </Button>
        <Button variant="secondary" size="sm" onClick={stepForward} disabled={readOnly || history.future.length === 0} title="Redo (Ctrl+Shift+Z)">
          <Redo2 aria-hidden /> Redo
        </Button>
        <Button variant="secondary" size="sm" onClick={autoLayout} disabled={readOnly || nodes.length === 0}>
          <LayoutGrid aria-hidden /> Auto-layout
        </Button>
        <Button variant="secondary" size="sm" onClick={() => void saveNow()} disabled={readOnly || !dirty || saveState.kind === "saving"}>
          <Save aria-hidden /> Save
        </Button>
        <Button variant="secondary" size="sm" onClick={() => void runValidation()} disabled={validate.isPending}>
          <ShieldCheck aria-hidden /> {validate.isPending ? "Validating…" : "Validate"}
        </Button>
        {/* Execution is not built on the server yet: the button says so instead of pretending. */}
        <Button size="sm" disabled title="Running workflows comes next" aria-label="Run (running workflows comes next)">
          <Play aria-hidden /> Run
        </Button>
        <p role="status" aria-live="polite" className={`ml-auto text-xs ${saveState.kind === "failed" ? "text-danger" : "text-muted"}`} data-testid="save-status">
          {readOnly ? "Read only (you can view this workflow, not change it)" : status}
        </p>
      </div>
      {notice && (
        <p role="status" className="mb-2 rounded-md border border-warn/50 px-3 py-1.5 text-sm text-warn" data-testid="connection-notice">
          {notice}
        </p>
      )}
      <div className="grid h-[calc(100vh-15rem)] min-h-[32rem] gap-3 lg:grid-cols-[13rem_minmax(0,1fr)_19rem]">
        <div className="overflow-y-auto rounded-lg border border-line bg-surface p-2">
          <Palette specs={catalogue} onAdd={addAtCentre} disabled={readOnly} />
        </div>
        <div ref={wrapper} className="min-h-[24rem] overflow-hidden rounded-lg border border-line" onDragOver={onDragOver} onDrop={onDrop}>
          <ReactFlow<StepNodeType, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            elementsSelectable
            deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]}
            colorMode={colorMode}
            style={FLOW_STYLE}
            // Fit a loaded graph once; an empty canvas keeps its viewport, or the first drop would move the view.
            fitView={initial.nodes.length > 0}
            fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
            // React Flow's default (0.5) cannot fit a six-step pipeline into a laptop-wide canvas.
            minZoom={0.2}
            proOptions={{ hideAttribution: true }}
            aria-label="Workflow canvas"
          >
            <Background />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable ariaLabel="Minimap of the workflow" />
          </ReactFlow>
        </div>
        <aside aria-label="Node settings and problems" className="space-y-4 overflow-y-auto rounded-lg border border-line bg-surface p-3">
          {focus && focusSpec ? (
            <SettingsPanel
              node={focus}
              spec={focusSpec}
              errors={errorsByNode.get(focus.id) ?? []}
              readOnly={readOnly}
              onSettings={(settings) => setSettings(focus.id, settings)}
            />
          ) : (
            <p className="text-sm text-muted">Select a node to edit its settings. Drag nodes from the palette, or press one to add it.</p>
          )}
          {problems && (
            <section aria-labelledby="problems-title" className="space-y-1">
              <h2 id="problems-title" className="text-sm font-semibold">
                {problems.length === 0 ? "Valid: nothing stops this workflow from running" : `${problems.length} problem${problems.length === 1 ? "" : "s"}`}
              </h2>
              <ul className="space-y-1 text-xs" data-testid="validation-problems">
                {graphProblems.map((problem, index) => (
                  <li key={`graph-${index}`} className="text-danger">
                    {problem.message}
                  </li>
                ))}
                {(problems ?? [])
                  .filter((problem) => problem.node_id)
                  .map((problem, index) => (
                    <li key={index}>
                      <button
                        type="button"
                        className="text-left text-danger underline-offset-2 hover:underline"
                        onClick={() => setNodes((current) => current.map((node) => ({ ...node, selected: node.id === problem.node_id })))}
                      >
                        <strong>{problem.node_id}</strong>
                        {problem.field ? ` (${problem.field})` : ""}: {problem.message}
                      </button>
                    </li>
                  ))}
              </ul>
            </section>
          )}
        </aside>
      </div>
    </CanvasContext.Provider>
  );
}
