import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../client";
import { downloadFile } from "../download";
import type { components } from "../schema";
import type { Id } from "../types";
import { toast } from "../../lib/toast";

type Schemas = components["schemas"];

// The workflow types, named for the canvas (generated from the backend's schema: a backend change is a type error).
export type Workflow = Schemas["WorkflowOut"];
export type WorkflowSummary = Schemas["WorkflowSummary"];
export type WorkflowGraph = Schemas["WorkflowGraph"];
export type WorkflowNode = Schemas["Node"];
export type WorkflowEdge = Schemas["Edge"];
export type NodeType = Schemas["NodeType"];
export type NodeSpec = Schemas["NodeSpec"];
export type PortSpec = Schemas["PortSpec"];
export type PortType = Schemas["PortType"];
export type LocatedError = Schemas["LocatedError"];
export type Validation = Schemas["ValidationOut"];
export type WorkflowSave = Schemas["WorkflowSave"];
export type WorkflowVersionSummary = Schemas["WorkflowVersionSummary"];
export type WorkflowVersion = Schemas["WorkflowVersionOut"];

// The workflow keys live beside their hooks: nothing outside the canvas reads or invalidates them.
export const workflowKeys = {
  all: ["workflows"] as const,
  list: () => [...workflowKeys.all, "list"] as const,
  detail: (id: Id) => [...workflowKeys.all, "detail", id] as const,
  versions: (id: Id) => [...workflowKeys.all, "versions", id] as const,
  /** The node catalogue: fixed while the server runs (plugins load at start). */
  nodes: ["catalogue", "nodes"] as const,
};

const one = (id: Id) => ({ params: { path: { workflow_id: id } } });

export const workflowsApi = {
  list: async (): Promise<WorkflowSummary[]> => (await unwrap(api.GET("/api/workflows"))).items,
  get: (id: Id): Promise<Workflow> => unwrap(api.GET("/api/workflows/{workflow_id}", one(id))),
  create: (body: { name: string; graph?: WorkflowGraph }): Promise<Workflow> =>
    unwrap(api.POST("/api/workflows", { body })),
  save: (id: Id, body: WorkflowSave): Promise<Workflow> =>
    unwrap(api.PUT("/api/workflows/{workflow_id}", { ...one(id), body })),
  remove: async (id: Id): Promise<void> => {
    await unwrap(api.DELETE("/api/workflows/{workflow_id}", one(id)));
  },
  validate: (id: Id): Promise<Validation> => unwrap(api.POST("/api/workflows/{workflow_id}/validate", one(id))),
  nodes: (): Promise<NodeSpec[]> => unwrap(api.GET("/api/nodes")),
  versions: async (id: Id): Promise<WorkflowVersionSummary[]> =>
    (await unwrap(api.GET("/api/workflows/{workflow_id}/versions", one(id)))).items,
  version: (id: Id, version: number): Promise<WorkflowVersion> =>
    unwrap(api.GET("/api/workflows/{workflow_id}/versions/{version}", { params: { path: { workflow_id: id, version } } })),
  /** The server's export (`yaml`, `python`; `json` too): downloaded with the session's credentials. */
  download: (id: Id, format: "json" | "yaml" | "python", fallbackName: string): Promise<void> =>
    downloadFile(`/api/workflows/${encodeURIComponent(id)}/export?format=${format}`, fallbackName),
};

export function useWorkflows() {
  return useQuery({ queryKey: workflowKeys.list(), queryFn: workflowsApi.list });
}

export function useWorkflow(id: Id) {
  // The editor owns the graph once loaded: a background refetch must not replace what is being edited.
  return useQuery({ queryKey: workflowKeys.detail(id), queryFn: () => workflowsApi.get(id), staleTime: Infinity });
}

export function useNodeCatalogue() {
  return useQuery({ queryKey: workflowKeys.nodes, queryFn: workflowsApi.nodes, staleTime: Infinity });
}

export function useCreateWorkflow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: workflowsApi.create,
    onSuccess: () => void client.invalidateQueries({ queryKey: workflowKeys.list() }),
  });
}

export function useDeleteWorkflow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (item: WorkflowSummary) => workflowsApi.remove(item.id),
    onSuccess: (_answer, item) => {
      void client.invalidateQueries({ queryKey: workflowKeys.list() });
      toast.success(`Workflow “${item.name}” deleted.`);
    },
  });
}

/** Saves from the editor (autosave included); the editor shows the outcome in its status line, not as toasts. */
export function useSaveWorkflow(id: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: WorkflowSave) => workflowsApi.save(id, body),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: workflowKeys.list() });
      void client.invalidateQueries({ queryKey: workflowKeys.versions(id) });
    },
    meta: { silent: true },
  });
}

export function useValidateWorkflow(id: Id) {
  return useMutation({ mutationFn: () => workflowsApi.validate(id) });
}

/** The earlier graphs, newest first; refetched whenever the editor saves (a save may add a version). */
export function useWorkflowVersions(id: Id, enabled: boolean) {
  return useQuery({ queryKey: workflowKeys.versions(id), queryFn: () => workflowsApi.versions(id), enabled });
}
