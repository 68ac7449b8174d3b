// The rules architecture.test.ts checks on the source tree, as a pure function over file texts (so each rule has
// its own test with made-up files, and the real tree's check cannot pass vacuously).

export interface SourceFile {
  /** Relative to src/, with forward slashes: "features/jobs/api.ts". */
  path: string;
  text: string;
}

// `from "x"` (import and re-export), `import "x"` and `import("x")`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;

// Raw HTTP and what it is called in a message. `fetch(` as a call of its own: `refetch(` and `fetchJob(` are not it.
const TRANSPORTS: readonly [RegExp, string][] = [
  [/(?<![\w.])(?:globalThis\.|window\.)?fetch\s*\(/, "calls fetch"],
  [/\bXMLHttpRequest\b/, "uses XMLHttpRequest"],
  [/\bauthFetch\b/, "uses authFetch"],
  [/["']axios["']/, "imports axios"],
  [/["']openapi-fetch["']/, "imports openapi-fetch"],
];

/** "features/jobs/components/../../history/api" -> "features/history/api". */
function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

function featureOf(path: string): string | null {
  const match = /^features\/([^/]+)\//.exec(path);
  return match?.[1] ?? null;
}

function importedPaths(file: SourceFile): string[] {
  const folder = file.path.split("/").slice(0, -1).join("/");
  const paths: string[] = [];
  for (const match of file.text.matchAll(SPECIFIER)) {
    const specifier = match[1] ?? "";
    if (specifier.startsWith(".")) paths.push(normalise(`${folder}/${specifier}`));
  }
  return paths;
}

function crossFeatureImports(file: SourceFile): string[] {
  const own = featureOf(file.path);
  if (own === null) return [];
  return importedPaths(file)
    .filter((target) => {
      const other = featureOf(`${target}/`);
      return other !== null && other !== own;
    })
    .map((target) => `${file.path} imports ${target} (another feature)`);
}

function rawHttp(file: SourceFile): string[] {
  // src/api is where HTTP lives; tests stub the transports (and this rule's own test names them).
  if (file.path.startsWith("api/") || file.path.startsWith("test/") || file.path.endsWith(".test.ts")) return [];
  return TRANSPORTS.filter(([pattern]) => pattern.test(file.text)).map(
    ([, what]) => `${file.path} ${what} (HTTP belongs in src/api: use the typed client)`,
  );
}

function duplicatePrimitives(files: readonly SourceFile[]): string[] {
  const primitives = new Map<string, string>();
  for (const file of files) {
    const match = /^components\/ui\/([^/]+)\.tsx?$/.exec(file.path);
    if (match?.[1]) primitives.set(match[1].toLowerCase(), file.path);
  }
  const problems: string[] = [];
  for (const file of files) {
    const match = /^components\/([^/]+)\.tsx?$/.exec(file.path);
    const primitive = match?.[1] ? primitives.get(match[1].toLowerCase()) : undefined;
    if (primitive) problems.push(`${file.path} duplicates ${primitive}`);
  }
  return problems;
}

/** Every broken rule, one line each; [] when the tree keeps them all. */
export function boundaryProblems(files: readonly SourceFile[]): string[] {
  return [...files.flatMap((file) => [...crossFeatureImports(file), ...rawHttp(file)]), ...duplicatePrimitives(files)];
}
