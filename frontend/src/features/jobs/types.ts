// Shapes only the monitor reads: aliases of the generated schema, and the one WebSocket event src/api/types.ts lacks.
import type { components } from "../../api/schema";
import type { Id, IsoTime } from "../../api/types";

/** GET /api/results/job/{id}/curve: the best score each time it improved, `seconds` after the job started. */
export type Curve = components["schemas"]["Curve"];
export type CurvePoint = components["schemas"]["CurvePoint"];

/** GET /api/logs/jobs/{id}: the last lines of the job's own log file, oldest first. */
export type JobLog = components["schemas"]["JobLog"];

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
