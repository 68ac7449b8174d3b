import type { DragEvent } from "react";
import type { NodeSpec, NodeType } from "../../../api/hooks/workflows";

/** The drag payload's type: only a palette item starts a drop the canvas accepts. */
export const DRAG_TYPE = "application/x-flowml-node";

const CATEGORY_LABELS: Record<NodeSpec["category"], string> = {
  data: "Data",
  transform: "Transform",
  model: "Model",
  evaluate: "Evaluate",
  deploy: "Deploy",
};

interface PaletteProps {
  specs: NodeSpec[];
  /** A click or Enter on an item: add it at the middle of the view (the keyboard's way in). */
  onAdd: (type: NodeType) => void;
  disabled?: boolean;
}

/** The node types the server offers, grouped by category in the catalogue's order; drag one onto the canvas or
 * press it to add it at the middle of the view. */
export function Palette({ specs, onAdd, disabled = false }: PaletteProps) {
  const categories = [...new Set(specs.map((spec) => spec.category))];
  const start = (event: DragEvent<HTMLButtonElement>, type: NodeType) => {
    event.dataTransfer.setData(DRAG_TYPE, type);
    event.dataTransfer.effectAllowed = "move";
  };
  return (
    <nav aria-label="Node palette" className="space-y-3">
      {categories.map((category) => (
        <section key={category} aria-labelledby={`palette-${category}`}>
          <h3 id={`palette-${category}`} className="mb-1 text-xs font-medium tracking-wide text-muted uppercase">
            {CATEGORY_LABELS[category]}
          </h3>
          <ul className="space-y-1">
            {specs
              .filter((spec) => spec.category === category)
              .map((spec) => (
                <li key={spec.type}>
                  <button
                    type="button"
                    draggable={!disabled}
                    disabled={disabled}
                    onDragStart={(event) => start(event, spec.type)}
                    onClick={() => onAdd(spec.type)}
                    title={spec.description}
                    aria-describedby={`palette-${spec.type}-about`}
                    data-node-type={spec.type}
                    className="w-full cursor-grab rounded-md border border-line bg-raised px-2 py-1.5 text-left text-sm hover:border-accent/60 focus-visible:outline-2 focus-visible:outline-ring disabled:cursor-not-allowed disabled:opacity-50"
                  >
                    {/* Named "Add <label>"; the description is read as its description, not as part of the name. */}
                    <span className="block font-medium">
                      <span className="sr-only">Add </span>
                      {spec.label}
                    </span>
                    <span id={`palette-${spec.type}-about`} aria-hidden className="block text-xs text-muted">
                      {spec.description}
                    </span>
                  </button>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
