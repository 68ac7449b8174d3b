// What the Train form says about one algorithm, read from GET /api/algorithms: the tasks it serves, whether it can
// use a GPU, where it comes from (built in, or which plugin at which version) and the search space the tuner
// explores for a task (each parameter's range or choices, scale, default and the condition it exists under).
// Pure: the dialog (components/AlgorithmDetails.tsx) only lays these out.
import type { AlgorithmInfo, ProblemType } from "../../api/types";
import { PROBLEM_TYPE_TEXT } from "../../lib/problemType";

type Origin = AlgorithmInfo["origin"];
type Space = AlgorithmInfo["space"][string];
type Param = NonNullable<Space["params"]>[string];
/** A categorical choice or a default as the API sends it. */
type Value = unknown;

export interface ParamRow {
  name: string;
  /** "0.01 – 0.3", "50 – 3,000 in steps of 5", or the choices: "l2, l1, elasticnet". */
  values: string;
  /** "log" (sampled evenly in orders of magnitude), "linear", or "" for a choice. */
  scale: "log" | "linear" | "";
  /** The first configuration tried ("—" when the defaults leave it out, e.g. under an unmet condition). */
  initial: string;
  /** "only when penalty is elasticnet", or "". */
  condition: string;
  help: string;
  /** Set by the defaults but not searched (a plugin may fix some parameters). */
  fixed: boolean;
}

/** A number as a person reads it in a range: 3,000 and 0.001, never 1.00e-3 for an everyday value. */
function formatNumberValue(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString("en");
  return String(Number(value.toPrecision(4)));
}

/** A choice or default: null is "none" (scikit-learn's None, e.g. no class weights), text as it is. */
export function formatValue(value: Value): string {
  if (value === null) return "none";
  if (value === undefined) return "—";
  if (typeof value === "number") return formatNumberValue(value);
  if (typeof value === "string" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function valuesText(param: Param): string {
  if (param.kind === "categorical") return param.choices.map(formatValue).join(", ");
  const range = `${formatNumberValue(param.low)} – ${formatNumberValue(param.high)}`;
  const step = param.kind === "int" ? (param.step ?? 1) : 1;
  return step > 1 ? `${range} in steps of ${formatNumberValue(step)}` : range;
}

function conditionText(param: Param): string {
  if (!param.when) return "";
  return `only when ${param.when.param} is ${param.when.values.map(formatValue).join(" or ")}`;
}

/** The rows of the space the tuner searches for `task`, in sampling order, then any fixed defaults. */
export function spaceRows(algorithm: AlgorithmInfo, task: ProblemType): ParamRow[] {
  const params = algorithm.space[task]?.params ?? {};
  const defaults = algorithm.defaults[task] ?? {};
  const searched: ParamRow[] = Object.entries(params).map(([name, param]) => ({
    name,
    values: valuesText(param),
    scale: param.kind === "categorical" ? "" : param.log ? "log" : "linear",
    initial: formatValue(defaults[name]),
    condition: conditionText(param),
    help: param.help ?? "",
    fixed: false,
  }));
  const fixed: ParamRow[] = Object.entries(defaults)
    .filter(([name]) => !(name in params))
    .map(([name, value]) => ({
      name,
      values: "fixed",
      scale: "",
      initial: formatValue(value),
      condition: "",
      help: "",
      fixed: true,
    }));
  return [...searched, ...fixed];
}

/** The tasks whose space the dialog shows: the form's task first when the algorithm serves it. */
export function spaceTasks(algorithm: AlgorithmInfo, current: ProblemType | undefined): ProblemType[] {
  const served = algorithm.tasks.filter((task) => algorithm.space[task] !== undefined);
  return current && served.includes(current) ? [current, ...served.filter((task) => task !== current)] : served;
}

export function tasksText(tasks: readonly ProblemType[]): string {
  return tasks.map((task) => PROBLEM_TYPE_TEXT[task].label).join(", ");
}

export function originText(origin: Origin): string {
  if (origin.source === "builtin") return "Built in";
  const name = origin.package ?? "an unnamed package";
  return origin.version ? `Plugin ${name} ${origin.version}` : `Plugin ${name}`;
}

export function isPlugin(origin: Origin): boolean {
  return origin.source === "plugin";
}

export function gpuText(gpu: string | null): string {
  return gpu ? `Can train on a GPU (${gpu}'s GPU build) when a GPU worker is online` : "CPU only";
}
