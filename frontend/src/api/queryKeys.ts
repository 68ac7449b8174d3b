// Every TanStack Query key of the app, in one place, so invalidation and live patches agree on them.
import type { Id, ProblemType } from "./types";

export const queryKeys = {
  stats: ["stats"] as const,
  health: ["health"] as const,
  datasets: {
    all: ["datasets"] as const,
    list: () => [...queryKeys.datasets.all, "list"] as const,
    detail: (id: Id) => [...queryKeys.datasets.all, "detail", id] as const,
    preview: (id: Id, limit: number) => [...queryKeys.datasets.all, "preview", id, limit] as const,
    stats: (id: Id) => [...queryKeys.datasets.all, "stats", id] as const,
    access: (id: Id) => [...queryKeys.datasets.all, "access", id] as const,
  },
  jobs: {
    all: ["jobs"] as const,
    list: () => [...queryKeys.jobs.all, "list"] as const,
    detail: (id: Id) => [...queryKeys.jobs.all, "detail", id] as const,
    leaderboard: (id: Id) => [...queryKeys.jobs.all, "leaderboard", id] as const,
    trials: (id: Id) => [...queryKeys.jobs.all, "trials", id] as const,
    curve: (id: Id) => [...queryKeys.jobs.all, "curve", id] as const,
    log: (id: Id) => [...queryKeys.jobs.all, "log", id] as const,
    /** Trials of the job kept as models of their own, and refits in progress (features/results/refits.ts). */
    refits: (id: Id) => [...queryKeys.jobs.all, "refits", id] as const,
    /** A filtered list (features/history): under list(), so invalidating the list refreshes every filtered view. */
    filtered: (query: object) => [...queryKeys.jobs.list(), query] as const,
    /** What the signed-in user may do with the job (features/history). */
    access: (id: Id) => [...queryKeys.jobs.all, "access", id] as const,
  },
  /** Models (or jobs' models) side by side (features/compare). */
  compare: (kind: "models" | "jobs", ids: readonly Id[]) => ["compare", kind, ...ids] as const,
  models: {
    all: ["models"] as const,
    list: () => [...queryKeys.models.all, "list"] as const,
    detail: (id: Id) => [...queryKeys.models.all, "detail", id] as const,
    evaluation: (id: Id) => [...queryKeys.models.all, "evaluation", id] as const,
    /** A clustering model's report: profiles, projection, silhouettes, elbow (features/results). */
    clusters: (id: Id) => [...queryKeys.models.all, "clusters", id] as const,
    filtered: (query: object) => [...queryKeys.models.list(), query] as const,
    access: (id: Id) => [...queryKeys.models.all, "access", id] as const,
    /** Columns a scored file can carry over (features/predict). */
    passThrough: (id: Id) => [...queryKeys.models.all, "pass-through", id] as const,
    /** A file scored in the background (features/predict). */
    batch: (id: Id, batchId: string) => [...queryKeys.models.all, "batch", id, batchId] as const,
    batchResult: (id: Id, batchId: string) => [...queryKeys.models.batch(id, batchId), "result"] as const,
  },
  catalogue: {
    algorithms: (task: ProblemType | undefined) => ["catalogue", "algorithms", task ?? "all"] as const,
    metrics: (task: ProblemType | undefined) => ["catalogue", "metrics", task ?? "all"] as const,
    preprocessors: ["catalogue", "preprocessors"] as const,
  },
  workers: {
    all: ["workers"] as const,
    list: () => [...queryKeys.workers.all, "list"] as const,
    tokens: () => [...queryKeys.workers.all, "tokens"] as const,
  },
  cluster: ["cluster"] as const,
  /** The plugins this server loaded and left out (features/workers/plugins.ts); fixed while the server runs. */
  plugins: ["plugins"] as const,
  projects: {
    all: ["projects"] as const,
    list: () => [...queryKeys.projects.all, "list"] as const,
  },
  /** A job's settings to train again (features/training/useCloneDefaults.ts). */
  clone: (jobId: Id) => ["clone", jobId] as const,
  auth: {
    providers: ["auth", "providers"] as const,
    keys: () => ["auth", "keys"] as const,
  },
  users: {
    all: ["users"] as const,
    list: () => [...queryKeys.users.all, "list"] as const,
  },
  logs: {
    all: ["logs"] as const,
    system: (tail: number) => [...queryKeys.logs.all, "system", tail] as const,
    job: (id: Id, tail: number) => [...queryKeys.logs.all, "job", id, tail] as const,
    /** The job picker of the Logs page (its own key: the jobs feature may shape its list differently). */
    jobChoices: () => [...queryKeys.logs.all, "job-choices"] as const,
  },
};
