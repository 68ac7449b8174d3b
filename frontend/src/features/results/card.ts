// The model card is free-form JSON on the wire (TrainedModelPublic.card); this reads the parts the page shows,
// defensively, since older models may lack newer fields. Pure.
import type { Model } from "../../api/types";

export interface EnsembleMember {
  algorithm: string;
  weight: number;
}

export interface OnnxStatus {
  available: boolean;
  /** Why there is no ONNX file, in the engine's words; null when available. */
  reason: string | null;
}

export interface CardView {
  nRows: number | null;
  notes: string[];
  members: EnsembleMember[];
  params: Record<string, unknown>;
  dropped: { name: string; reason: string }[];
  libraries: Record<string, string>;
  onnx: OnnxStatus;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function members(params: Json): EnsembleMember[] {
  const list = Array.isArray(params.members) ? params.members : [];
  return list.filter(isObject).map((m) => ({ algorithm: String(m.algorithm ?? "?"), weight: Number(m.weight ?? 0) }));
}

export const NO_ONNX_ENTRY = "This model was trained before ONNX export was available.";

export function onnxStatus(card: Json): OnnxStatus {
  const entry = card.onnx;
  if (!isObject(entry)) return { available: false, reason: NO_ONNX_ENTRY };
  // The graph is kept (and its checksum recorded) only when it matched the native model on sample rows.
  if (entry.usable === true && typeof card.onnx_sha256 === "string") return { available: true, reason: null };
  const reason = typeof entry.reason === "string" && entry.reason ? entry.reason : "the ONNX export did not pass its accuracy check";
  return { available: false, reason: `No ONNX file for this model. Reason: ${reason}.`.replace(/\.\.$/, ".") };
}

export function readCard(model: Model): CardView {
  const card: Json = isObject(model.card) ? model.card : {};
  const params = isObject(card.params) ? card.params : {};
  const dropped = Array.isArray(card.dropped_columns)
    ? card.dropped_columns.filter(isObject).map((d) => ({ name: String(d.name ?? ""), reason: String(d.reason ?? "") }))
    : [];
  const libraries = isObject(card.library_versions)
    ? Object.fromEntries(Object.entries(card.library_versions).filter((e): e is [string, string] => typeof e[1] === "string"))
    : {};
  return {
    nRows: typeof card.n_rows === "number" ? card.n_rows : null,
    notes: strings(card.notes),
    members: members(params),
    params: Object.keys(params).length > 0 && !Array.isArray(params.members) ? params : {},
    dropped,
    libraries,
    onnx: onnxStatus(card),
  };
}
