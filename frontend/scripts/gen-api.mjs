// `npm run gen:api`: regenerate the dashboard's typed API client from the backend.
// 1. `flowml openapi` writes the backend's OpenAPI schema to openapi.json. The flowml used: $FLOWML if set, else the
//    repository's virtual environment (../.venv), else `flowml` on PATH.
// 2. openapi-typescript turns it into src/api/schema.d.ts, which src/api/types.ts and the request layer use.
//    --default-non-nullable=false: a request field with a default may be left out. Response fields with defaults are
//    still required, because the backend's response models mark them so (RESPONSE_CONFIG in flowml/db/types.py).
// `--out-dir DIR` writes DIR/openapi.json and DIR/schema.d.ts instead; tests/api/test_openapi_client.py uses it to
// check that the committed files are current.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const frontend = join(dirname(fileURLToPath(import.meta.url)), "..");
const windows = process.platform === "win32";

function option(name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

function findFlowml() {
  if (process.env.FLOWML) return process.env.FLOWML;
  const venv = join(frontend, "..", ".venv", windows ? "Scripts/flowml.exe" : "bin/flowml");
  return existsSync(venv) ? venv : "flowml";
}

function run(label, command, args) {
  const result = spawnSync(command, args, { cwd: frontend, stdio: "inherit" });
  if (result.error || result.status !== 0) {
    console.error(`gen:api: ${label} failed (${result.error ? result.error.message : `exit code ${result.status}`}).`);
    if (label.startsWith("flowml")) {
      console.error("Set up the backend first (./setup-and-run.sh creates ../.venv), or put `flowml` on PATH.");
    }
    process.exit(1);
  }
}

const outDir = option("--out-dir");
if (outDir) mkdirSync(resolve(outDir), { recursive: true });
const schemaFile = outDir ? resolve(outDir, "openapi.json") : "openapi.json";
const typesFile = outDir ? resolve(outDir, "schema.d.ts") : join("src", "api", "schema.d.ts");
const openapiTypescript = join(frontend, "node_modules", "openapi-typescript", "bin", "cli.js");

run("flowml openapi", findFlowml(), ["openapi", "--output", schemaFile]);
run("openapi-typescript", process.execPath, [
  openapiTypescript,
  schemaFile,
  "--default-non-nullable=false",
  "-o",
  typesFile,
]);
