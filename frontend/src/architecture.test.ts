// The dashboard's layering, checked on the source text (there is no ESLint here; tsc and Vitest are the gates):
// - a feature folder (src/features/<name>) never imports another one: what two features share lives in src/api
//   (server state: the typed client and the query hooks over it), src/lib (pure logic) or src/components;
// - only src/api speaks HTTP: everything else calls the typed client's hooks, never fetch, XHR or `authFetch`;
// - one set of UI primitives: src/components/ui. A top-level component named like a primitive is a second copy.
import { describe, expect, it } from "vitest";
import { boundaryProblems, type SourceFile } from "./test/boundaries";

// Every source file as text, keyed like "./features/jobs/api.ts" (Vite reads them at transform time).
const modules = import.meta.glob<string>(["./**/*.ts", "./**/*.tsx", "!./**/*.d.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const sources: SourceFile[] = Object.entries(modules).map(([key, text]) => ({ path: key.slice(2), text }));

describe("the dashboard's boundaries", () => {
  it("finds the sources (a broken glob must not pass as a clean tree)", () => {
    expect(sources.some((file) => file.path.startsWith("features/"))).toBe(true);
    expect(sources.some((file) => file.path.startsWith("components/ui/"))).toBe(true);
  });

  it("holds in src/", () => {
    expect(boundaryProblems(sources)).toEqual([]);
  });
});

describe("boundaryProblems", () => {
  it("reports a feature importing another feature, however the path is written", () => {
    const files = [
      { path: "features/jobs/components/A.tsx", text: 'import { x } from "../../history/api";' },
      { path: "features/jobs/b.ts", text: "export { y } from '../results/leaderboard';" },
      { path: "features/jobs/c.ts", text: 'const m = await import("../training/api");' },
      { path: "features/jobs/d.ts", text: 'import { z } from "./status";\nimport { w } from "../../lib/time";' },
    ];
    expect(boundaryProblems(files)).toEqual([
      "features/jobs/components/A.tsx imports features/history/api (another feature)",
      "features/jobs/b.ts imports features/results/leaderboard (another feature)",
      "features/jobs/c.ts imports features/training/api (another feature)",
    ]);
  });

  it("reports HTTP outside src/api and lets src/api use it", () => {
    const files = [
      { path: "features/predict/api.ts", text: 'const r = await fetch("/api/x");' },
      { path: "lib/upload.ts", text: "const xhr = new XMLHttpRequest();" },
      { path: "features/logs/api.ts", text: 'import { authFetch } from "../../api/auth";' },
      { path: "components/X.tsx", text: 'import axios from "axios";' },
      { path: "features/jobs/api.ts", text: "void query.refetch(); const fetchJob = () => 1;" },
      { path: "api/download.ts", text: "const r = await globalThis.fetch(url);" },
    ];
    expect(boundaryProblems(files)).toEqual([
      "features/predict/api.ts calls fetch (HTTP belongs in src/api: use the typed client)",
      "lib/upload.ts uses XMLHttpRequest (HTTP belongs in src/api: use the typed client)",
      "features/logs/api.ts uses authFetch (HTTP belongs in src/api: use the typed client)",
      "components/X.tsx imports axios (HTTP belongs in src/api: use the typed client)",
    ]);
  });

  it("reports a component that duplicates a UI primitive", () => {
    const files = [
      { path: "components/ui/button.tsx", text: "" },
      { path: "components/Button.tsx", text: "" },
      { path: "components/ButtonRow.tsx", text: "" },
    ];
    expect(boundaryProblems(files)).toEqual(["components/Button.tsx duplicates components/ui/button.tsx"]);
  });
});
