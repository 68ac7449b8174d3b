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
import { Cable, LayoutGrid, Play, Redo2, Save, ShieldCheck, Square, Undo2 } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties, type DragEvent } from "react";
import { ApiError } from "../../../api/errors";
import {
  useSaveWorkflow,
  useValidateWorkflow,
  type LocatedError,
  type NodeSpec,
  type NodeType,
  type Workflow,
  type WorkflowGraph,
  workflowsApi,
} from "../../../api/hooks/workflows";
import { Button } from "../../../components/ui/button";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "../../../components/ui/tabs";
import { connectionProblem } from "../accepts";
import { copySelection, pasteClip, type Clip } from "../clipboard";
import { directionFromSchema } from "../figureData";
import type { RunSocketHook } from "../liveRun";
import { runProgress } from "../runState";
import { useWorkflowRun } from "../useWorkflowRun";
import { ConnectDialog } from "./ConnectDialog";
import { HistoryPanel } from "./HistoryPanel";
import { NodeOutputs } from "./NodeOutputs";
import { TransferButtons } from "./TransferButtons";
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
  /** Follows a run's job socket (the route composes it from the jobs feature's reconnect rules). */
  useRunSocket: RunSocketHook;
}

const SOCKET_WORDS = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", closed: "" } as const;

/** The canvas: palette, graph, settings and outputs of the selected node, saving (autosave too), undo/redo,
 * validation, runs with live node states, copy/paste, keyboard connect, versions and export/import. */
export function WorkflowEditor({ workflow, catalogue, useRunSocket }: EditorProps) {
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
  /** Saves `json` (the canvas by default) over the version the canvas holds; the new version, or null on failure. */
  const saveGraph = useCallback(
    async (sent: string): Promise<number | null> => {
      if (readOnly) return null;
      setSaveState({ kind: "saving" });
      try {
        const answer = await save.mutateAsync({ graph: JSON.parse(sent), base_version: saved.version });
        setSaved({ json: sent, version: answer.version });
        setSaveState({ kind: "saved" });
        return answer.version;
      } catch (cause) {
        const conflict = cause instanceof ApiError && cause.status === 409;
        setSaveState({ kind: "failed", message: conflict ? CONFLICT : cause instanceof ApiError ? cause.message : "The save failed" });
        return null;
      }
    },
    [readOnly, save, saved.version],
  );
  const saveNow = useCallback(async (): Promise<boolean> => (await saveGraph(graphJson)) !== null, [saveGraph, graphJson]);
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
  // ------------------------------------------------------------ runs: save, start, follow live, cancel
  const runs = useWorkflowRun(workflow.id, useRunSocket);
  const runNow = async () => {
    const version = dirty ? await saveGraph(graphJson) : saved.version;
    if (version === null) return;
    const refused = await runs.start(version);
    // A refused run is reported exactly as Validate reports: on the nodes and in the list beside the canvas.
    setProblems(refused);
    if (!refused) setPanel("outputs");
  };
  const facts = useMemo(() => ({ specs, errors: errorsByNode, run: runs.run }), [specs, errorsByNode, runs.run]);

  // ------------------------------------------------------------ editing
  const [notice, setNotice] = useState<string | null>(null);
  const [panel, setPanel] = useState<"settings" | "outputs" | "history">("settings");
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
  // ------------------------------------------------------------ copy and paste, keyboard connect
  const clip = useRef<{ clip: Clip; pastes: number } | null>(null);
  const [connecting, setConnecting] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target) || !(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === "c") {
        const copied = copySelection(nodes, edges);
        if (!copied) return;
        clip.current = { clip: copied, pastes: 0 };
        setNotice(`Copied ${copied.nodes.length} node${copied.nodes.length === 1 ? "" : "s"}: Ctrl+V pastes.`);
      } else if (key === "v" && !readOnly && clip.current) {
        const held = clip.current;
        held.pastes += 1;
        const pasted = pasteClip(held.clip, new Set(nodes.map((node) => node.id)), held.pastes);
        setNodes((current) => [...current.map((node) => ({ ...node, selected: false })), ...pasted.nodes]);
        setEdges((current) => [...current.map((edge) => ({ ...edge, selected: false })), ...pasted.edges]);
      } else if (key === "k" && !readOnly && nodes.filter((node) => node.selected).length === 1) {
        setConnecting(true);
      } else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [nodes, edges, readOnly]);

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
  // ------------------------------------------------------------ versions, import: a whole graph onto the canvas
  const [restoring, setRestoring] = useState(false);
  const putOnCanvas = (graph: WorkflowGraph) => {
    const canvas = toCanvas(graph);
    setNodes(canvas.nodes);
    setEdges(canvas.edges);
    setProblems(null);
    setFitQueued(true);
  };
  const restoreVersion = async (version: number) => {
    setRestoring(true);
    try {
      const earlier = await workflowsApi.version(workflow.id, version);
      const json = JSON.stringify(toGraph(toCanvas(earlier.graph)));
      // Saved first (a PUT with base_version), so a conflict leaves the canvas as it was.
      if ((await saveGraph(json)) !== null) {
        putOnCanvas(earlier.graph);
        setNotice(`Restored version ${version}.`);
      }
    } catch (cause) {
      setNotice(`Not restored: ${cause instanceof ApiError ? cause.message : "the version could not be loaded"}.`);
    } finally {
      setRestoring(false);
    }
  };
  const currentGraph = () => toGraph({ nodes, edges });

  const setSettings = (id: string, settings: Record<string, unknown>) =>
    setNodes((current) => current.map((node) => (node.id === id ? { ...node, data: { ...node.data, settings } } : node)));

  const selected = nodes.filter((node) => node.selected);
  const focus = selected.length === 1 ? selected[0] : undefined;
  const focusSpec = focus && specs.get(focus.type as NodeType);
  const graphProblems = (problems ?? []).filter((problem) => !problem.node_id);
  const direction = useMemo(() => directionFromSchema(specs.get("evaluation")?.settings_schema), [specs]);
  const shownRun = runs.run;
  const progress = shownRun ? runProgress(shownRun) : null;
  const runLine = runs.failure
    ? `Run: ${runs.failure}`
    : shownRun
      ? `Run ${shownRun.status}${progress ? ` · ${progress.ended}/${progress.total} nodes` : ""}${SOCKET_WORDS[runs.socket] ? ` · ${SOCKET_WORDS[runs.socket]}` : ""}${shownRun.error ? ` · ${shownRun.error}` : ""}`
      : null;
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
        <Button
          variant="secondary"
          size="sm"
          onClick={() => setConnecting(true)}
          disabled={readOnly || !focus}
          title="Connect the selected node to another (Ctrl+K)"
        >
          <Cable aria-hidden /> Connect…
        </Button>
        <TransferButtons
          workflowId={workflow.id}
          name={workflow.name}
          graph={currentGraph}
          readOnly={readOnly}
          saveFirst={saveNow}
          onImport={putOnCanvas}
          onNotice={setNotice}
        />
        <Button size="sm" onClick={() => void runNow()} disabled={readOnly || runs.starting || runs.active} title="Save, then run the workflow on the server">
          <Play aria-hidden /> {runs.starting ? "Starting…" : "Run"}
        </Button>
        {runs.active && (
          <Button variant="danger" size="sm" onClick={() => void runs.cancel()} disabled={readOnly || runs.cancelling}>
            <Square aria-hidden /> {runs.cancelling ? "Cancelling…" : "Cancel run"}
          </Button>
        )}
        {runLine && (
          <p role="status" aria-live="polite" className={`text-xs ${runs.failure || shownRun?.status === "failed" ? "text-danger" : "text-muted"}`} data-testid="run-status">
            {runLine}
          </p>
        )}
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
        <aside aria-label="Node settings, outputs and history" className="space-y-4 overflow-y-auto rounded-lg border border-line bg-surface p-3">
          <Tabs value={panel} onValueChange={(value) => setPanel(value as typeof panel)}>
            <TabsList aria-label="Side panel">
              <TabsTrigger value="settings">Settings</TabsTrigger>
              <TabsTrigger value="outputs">Outputs</TabsTrigger>
              <TabsTrigger value="history">History</TabsTrigger>
            </TabsList>
            <TabsContent value="settings" className="pt-3">
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
            </TabsContent>
            <TabsContent value="outputs" className="pt-3">
              {focus ? (
                <NodeOutputs
                  nodeId={focus.id}
                  type={focus.type as NodeType}
                  state={shownRun?.nodes[focus.id]}
                  live={runs.active}
                  direction={direction}
                />
              ) : (
                <p className="text-sm text-muted">{shownRun ? "Select a node to see what it produced in this run." : "Run the workflow, then select a node to see its outputs."}</p>
              )}
            </TabsContent>
            <TabsContent value="history" className="pt-3">
              <HistoryPanel
                workflowId={workflow.id}
                currentVersion={saved.version}
                readOnly={readOnly}
                restoring={restoring}
                onRestore={(version) => void restoreVersion(version)}
                pickedRunId={runs.pickedId}
                shownRunId={shownRun?.id ?? null}
                onPickRun={runs.pick}
              />
            </TabsContent>
          </Tabs>
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
      {connecting && focus && (
        <ConnectDialog open={connecting} onOpenChange={setConnecting} source={focus} nodes={nodes} edges={edges} specs={specs} onConnect={onConnect} />
      )}
    </CanvasContext.Provider>
  );
}
