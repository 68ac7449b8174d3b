import { Boxes, Database, FlaskConical } from "lucide-react";
import { Link } from "react-router";

const STEPS = [
  { to: "/data", Icon: Database, title: "1. Upload data", text: "A spreadsheet, CSV or database file." },
  { to: "/train", Icon: FlaskConical, title: "2. Train", text: "Pick the column to predict and a time budget." },
  { to: "/models", Icon: Boxes, title: "3. Predict", text: "Use the best model on new rows." },
];

export function GettingStarted() {
  return (
    <div className="grid gap-4 md:grid-cols-3">
      {STEPS.map(({ to, Icon, title, text }) => (
        <Link key={to} to={to} className="rounded-lg border border-line bg-surface p-4 transition hover:border-accent/60">
          <Icon className="mb-2 size-5 text-accent" aria-hidden />
          <p className="font-medium">{title}</p>
          <p className="text-sm text-muted">{text}</p>
        </Link>
      ))}
    </div>
  );
}
