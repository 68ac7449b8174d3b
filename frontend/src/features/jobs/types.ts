// The one WebSocket event src/api/types.ts lacks (only the monitor reads it).
import type { Id, IsoTime } from "../../api/types";

/** A remote worker took a trial (published straight from the worker: no `id`, never replayed). */
export interface TrialRunningData {
  trial_number: number;
  algorithm: string;
  worker: string;
  device?: string;
}

export interface TrialRunningEvent {
  id?: number;
  type: "trial_running";
  job_id: Id | null;
  timestamp: IsoTime;
  data: TrialRunningData;
}
