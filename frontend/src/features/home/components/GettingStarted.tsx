import { Boxes, Database, FlaskConical } from "lucide-react";
import { Link } from "react-router";
import type { NextStep } from "../summary";

const STEPS: { step: NextStep; to: string; Icon: typeof Database; title: string; text: string }[] = [
  {
    step: "upload",
    to: "/data",
    Icon: Database,
    title: "1. Upload data",
    text: "A spreadsheet, CSV or database file with one row per example.",
  },
  {
    step: "train",
    to: "/train",
    Icon: FlaskConical,
    title: "2. Train",
    text: "Pick the column to predict and how long to search; FlowML tries many models for you.",
  },
  { step: "predict", to: "/models", Icon: Boxes, title: "3. Predict", text: "Use the best model on new rows." },
];

/** The three steps from a table to predictions, with the one to do next marked "Start here". */
export function GettingStarted({ next }: { next: NextStep }) {
  return (
    <section aria-labelledby="getting-started" className="space-y-3">
      <h2 id="getting-started" className="text-sm font-semibold">
        Getting started
      </h2>
      <ol className="grid gap-4 md:grid-cols-3">
        {STEPS.map(({ step, to, Icon, title, text }) => {
          const here = step === next;
          return (
            <li key={step}>
              <Link
                to={to}
                aria-current={here ? "step" : undefined}
                className={`block h-full rounded-lg border bg-surface p-4 transition hover:border-accent/60 ${
                  here ? "border-accent ring-2 ring-accent/30" : "border-line"
                }`}
              >
                <div className="mb-2 flex items-center justify-between">
                  <Icon className="size-5 text-accent" aria-hidden />
                  {here && (
                    <span className="rounded-full bg-accent px-2 py-0.5 text-xs font-medium text-accent-fg">
                      Start here
                    </span>
                  )}
                </div>
                <p className="font-medium">{title}</p>
                <p className="text-sm text-muted">{text}</p>
              </Link>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
