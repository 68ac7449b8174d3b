import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "../../lib/toast";
import { api, unwrap } from "../client";
import { queryKeys } from "../queryKeys";
import type { components } from "../schema";

type Schemas = components["schemas"];
export type Worker = Schemas["WorkerStatus"];
export type ClusterInfo = Schemas["ClusterInfo"];
export type QueueInfo = Schemas["QueueInfo"];
export type JoinToken = Schemas["JoinTokenPublic"];
export type TokenCreated = Schemas["TokenCreated"];

/** Heartbeats arrive every few seconds; polling at the same pace keeps "online" and running trials current. */
export const WORKERS_POLL_MS = 3000;

export const workersApi = {
  list: (): Promise<Worker[]> => unwrap(api.GET("/api/workers")),
  cluster: (): Promise<ClusterInfo> => unwrap(api.GET("/api/cluster")),
  tokens: (): Promise<JoinToken[]> => unwrap(api.GET("/api/workers/tokens")),
  createToken: (name: string): Promise<TokenCreated> => unwrap(api.POST("/api/workers/tokens", { body: { name } })),
  revokeToken: (id: string): Promise<JoinToken> =>
    unwrap(api.DELETE("/api/workers/tokens/{token_id}", { params: { path: { token_id: id } } })),
};

/** Every worker, the master's own pool included. `pollMs`: the home page glances (slower), the Workers page watches. */
export function useWorkers(pollMs: number = WORKERS_POLL_MS) {
  return useQuery({ queryKey: queryKeys.workers.list(), queryFn: workersApi.list, refetchInterval: pollMs });
}

/** The worker list without polling, at most a minute old, silent on failure: for a page that only glances at it. */
export function useWorkersGlance() {
  return useQuery({ queryKey: queryKeys.workers.list(), queryFn: workersApi.list, staleTime: 60_000, meta: { silent: true } });
}

export function useCluster() {
  return useQuery({ queryKey: queryKeys.cluster, queryFn: workersApi.cluster, refetchInterval: WORKERS_POLL_MS });
}

export function useJoinTokens() {
  return useQuery({ queryKey: queryKeys.workers.tokens(), queryFn: workersApi.tokens });
}

export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => workersApi.createToken(name),
    onSuccess: () => void client.invalidateQueries({ queryKey: queryKeys.workers.tokens() }),
  });
}

export function useRevokeToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => workersApi.revokeToken(id),
    onSuccess: (token) => {
      // Its workers are offline now, so the worker list changes too.
      void client.invalidateQueries({ queryKey: queryKeys.workers.all });
      void client.invalidateQueries({ queryKey: queryKeys.cluster });
      toast.success(`Token "${token.name}" revoked: machines that joined with it are disconnected.`);
    },
  });
}
