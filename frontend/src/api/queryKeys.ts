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
  },
  jobs: {
    all: ["jobs"] as const,
    list: () => [...queryKeys.jobs.all, "list"] as const,
    detail: (id: Id) => [...queryKeys.jobs.all, "detail", id] as const,
    leaderboard: (id: Id) => [...queryKeys.jobs.all, "leaderboard", id] as const,
    trials: (id: Id) => [...queryKeys.jobs.all, "trials", id] as const,
    curve: (id: Id) => [...queryKeys.jobs.all, "curve", id] as const,
    log: (id: Id) => [...queryKeys.jobs.all, "log", id] as const,
  },
  models: {
    all: ["models"] as const,
    list: () => [...queryKeys.models.all, "list"] as const,
    detail: (id: Id) => [...queryKeys.models.all, "detail", id] as const,
    evaluation: (id: Id) => [...queryKeys.models.all, "evaluation", id] as const,
  },
  catalogue: {
    algorithms: (task: ProblemType | undefined) => ["catalogue", "algorithms", task ?? "all"] as const,
    metrics: (task: ProblemType | undefined) => ["catalogue", "metrics", task ?? "all"] as const,
  },
  workers: {
    all: ["workers"] as const,
    list: () => [...queryKeys.workers.all, "list"] as const,
    tokens: () => [...queryKeys.workers.all, "tokens"] as const,
  },
  cluster: ["cluster"] as const,
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
