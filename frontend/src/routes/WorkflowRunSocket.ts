// The canvas's live run: the shared job socket (src/api/jobSocket.ts) with the workflows feature's run reducer. It
// lives with the route because the canvas takes it injected (RunSocketHook) rather than wiring transport itself.
import { useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { type JobStream, useJobSocket } from "../api/jobSocket";
import { applyRunEventToCache, refreshRun, type FollowedRun, type RunSocketState } from "../features/workflows/liveRun";
import { isFinishEvent, parseRunEvent, type RunEvent } from "../features/workflows/runState";

/** Streams the run's job events into the cached run until workflow_finished. */
export function useWorkflowRunSocket(run: FollowedRun | null): RunSocketState {
  const client = useQueryClient();
  const workflowId = run?.workflowId;
  const runId = run?.runId;
  const jobId = run?.jobId;

  // Keyed on the ids, not on `run`: a new object for the same run must not reopen the socket.
  const stream = useMemo((): JobStream<RunEvent> | null => {
    if (!workflowId || !runId || !jobId) return null;
    const followed: FollowedRun = { workflowId, runId, jobId };
    return {
      jobId,
      parse: parseRunEvent,
      onEvent: (event) => applyRunEventToCache(client, followed, event),
      isTerminal: isFinishEvent,
      // Subscribed: now refetch, so whatever happened before the socket opened (or while it was down) is shown.
      onOpen: () => refreshRun(client, followed),
    };
  }, [client, workflowId, runId, jobId]);
  return useJobSocket(stream);
}
