import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../../api/errors";
import { RunRefused, runKeys, runsApi, useCancelRun, useRun, useRuns, useStartRun, type RunDetail } from "../../api/hooks/workflowRuns";
import type { LocatedError } from "../../api/hooks/workflows";
import type { FollowedRun, RunSocketHook, RunSocketState } from "./liveRun";
import { isRunActive } from "./runState";

export interface RunControl {
  /** The run whose states the canvas shows: the one picked in the Runs list, else the newest. */
  run: RunDetail | null;
  active: boolean;
  socket: RunSocketState;
  starting: boolean;
  cancelling: boolean;
  /** Why the last start or cancel failed (a refusal's located errors go to the nodes instead). */
  failure: string | null;
  start: (savedVersion: number | null) => Promise<LocatedError[] | null>;
  cancel: () => Promise<void>;
  /** Show an earlier run's states (null: follow the newest again). */
  pick: (runId: string | null) => void;
  pickedId: string | null;
}

/**
 * The canvas's runs: loads the newest run's states, starts and cancels runs, and follows the shown run live through
 * the injected socket hook. `start` answers the located errors of a refused (invalid) workflow, or null.
 */
export function useWorkflowRun(workflowId: string, useRunSocket: RunSocketHook): RunControl {
  const client = useQueryClient();
  const runs = useRuns(workflowId);
  const [pickedId, setPickedId] = useState<string | null>(null);
  const shownId = pickedId ?? runs.data?.items[0]?.id ?? null;
  const detail = useRun(workflowId, shownId);
  const run = detail.data ?? null;
  const active = isRunActive(run);
  const followed: FollowedRun | null = run && active ? { workflowId, runId: run.id, jobId: run.job_id } : null;
  const socket = useRunSocket(followed);
  const starter = useStartRun(workflowId);
  const canceller = useCancelRun(workflowId);
  const [failure, setFailure] = useState<string | null>(null);

  const start = async (savedVersion: number | null): Promise<LocatedError[] | null> => {
    setFailure(null);
    try {
      const started = await starter.mutateAsync(savedVersion);
      // Show the new run at once (all nodes queued) rather than waiting for the list to refetch.
      await client.prefetchQuery({ queryKey: runKeys.detail(workflowId, started.run_id), queryFn: () => runsApi.get(workflowId, started.run_id) });
      setPickedId(started.run_id);
      return null;
    } catch (cause) {
      if (cause instanceof RunRefused) {
        setFailure(cause.message);
        return cause.errors;
      }
      setFailure(cause instanceof ApiError ? cause.message : "The run could not start");
      return null;
    }
  };

  const cancel = async () => {
    if (!run) return;
    setFailure(null);
    try {
      await canceller.mutateAsync(run.id);
    } catch (cause) {
      setFailure(cause instanceof ApiError ? cause.message : "The run could not be cancelled");
    }
  };

  return {
    run,
    active,
    socket,
    starting: starter.isPending,
    cancelling: canceller.isPending,
    failure,
    start,
    cancel,
    pick: setPickedId,
    pickedId,
  };
}
