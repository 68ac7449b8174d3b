import { Bar, BarChart, CartesianGrid, Cell, LabelList, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from "recharts";
import type { RowExplanation } from "../../../api/types";
import { axisProps } from "../../../components/chartStyle";
import { axisStart, explanationSummary, formatOutput, scaleLabel, type StepKind, waterfallSteps } from "../explanation";

// Up and down read apart by colour AND by the ▲/▼ and sign in each bar's label (WCAG 1.4.1: not colour alone).
// Both hues keep 3:1 against the dark and the light background (non-text contrast).
const FILL: Record<StepKind, string> = { base: "var(--muted)", total: "var(--accent)", up: "#e11d48", down: "#0284c7" };
const ROW_HEIGHT = 26;
const LABEL_CHARS = 24; // a longer "column = value" is shortened on the axis; the full text is its tooltip

interface BarLabelProps {
  x?: number | string;
  y?: number | string;
  width?: number | string;
  height?: number | string;
  value?: unknown;
}

/** The signed text right of each bar, on one line (Recharts' own label wraps to the bar's width). */
function BarLabel({ x = 0, y = 0, width = 0, height = 0, value }: BarLabelProps) {
  return (
    <text x={Number(x) + Number(width) + 6} y={Number(y) + Number(height) / 2} dy="0.35em" fill="var(--fg)" fontSize={12}>
      {String(value ?? "")}
    </text>
  );
}

interface AxisTickProps {
  x?: number | string;
  y?: number | string;
  payload?: { value?: unknown };
}

function AxisTick({ x = 0, y = 0, payload }: AxisTickProps) {
  const full = String(payload?.value ?? "");
  const shown = full.length > LABEL_CHARS ? `${full.slice(0, LABEL_CHARS - 1)}…` : full;
  return (
    <text x={Number(x)} y={Number(y)} dy="0.35em" textAnchor="end" fill="var(--fg)" fontSize={12}>
      <title>{full}</title>
      {shown}
    </text>
  );
}

/** Base value -> one signed bar per column -> this row's output, as SHAP's waterfall plot draws it. */
export function Waterfall({ explanation, target }: { explanation: RowExplanation; target: string }) {
  const steps = waterfallSteps(explanation);
  const scale = explanation.output_scale;
  const summary = explanationSummary(explanation, target);
  const label = scaleLabel(explanation, target);
  return (
    <figure className="space-y-2" data-testid="explanation-waterfall">
      <div className="w-full" style={{ height: steps.length * ROW_HEIGHT + 40 }} role="img" aria-label={`Waterfall chart. ${summary}`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={steps} layout="vertical" margin={{ top: 4, right: 84, bottom: 16, left: 4 }} barCategoryGap={4}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" horizontal={false} />
            <XAxis
              type="number"
              domain={[axisStart(explanation), "auto"]}
              {...axisProps}
              tickFormatter={(value: number) => formatOutput(value, scale)}
              label={{ value: label, position: "insideBottom", offset: -8, fill: "var(--muted)", fontSize: 12 }}
            />
            <YAxis type="category" dataKey="label" {...axisProps} width={186} interval={0} tick={<AxisTick />} />
            <ReferenceLine x={explanation.base_value} stroke="var(--muted)" strokeDasharray="2 2" />
            <Bar dataKey="range" isAnimationActive={false}>
              {steps.map((step, index) => (
                <Cell key={index} fill={FILL[step.kind]} />
              ))}
              <LabelList dataKey="text" content={<BarLabel />} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted">
        {summary} <span aria-hidden>▲</span> raises the {label}, <span aria-hidden>▼</span> lowers it.
        {explanation.method === "sampled" && " Estimated by sampling training rows (SHAP permutation)."}
      </figcaption>
    </figure>
  );
}
