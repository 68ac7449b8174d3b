import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { request } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import { toast } from "../../lib/toast";
import type { ClusterInfo, JoinToken, TokenCreated, Worker } from "./cluster";

/** Heartbeats arrive every few seconds; polling at the same pace keeps "online" and running trials current. */
export const WORKERS_POLL_MS = 3000;

const seg = encodeURIComponent;

export const workersApi = {
  list: () => request<Worker[]>("/api/workers"),
  cluster: () => request<ClusterInfo>("/api/cluster"),
  tokens: () => request<JoinToken[]>("/api/workers/tokens"),
  createToken: (name: string) => request<TokenCreated>("/api/workers/tokens", { method: "POST", json: { name } }),
  revokeToken: (id: string) => request<JoinToken>(`/api/workers/tokens/${seg(id)}`, { method: "DELETE" }),
};

export function useWorkers() {
  return useQuery({ queryKey: queryKeys.workers.list(), queryFn: workersApi.list, refetchInterval: WORKERS_POLL_MS });
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
