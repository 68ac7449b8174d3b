// The lines a user pastes on a new machine to make it a worker (CLUSTER_SETUP.md, "Each worker" and "Windows").

export type Platform = "unix" | "windows";

// Characters that never need quoting in either shell: the token (fmw_ + URL-safe base64) and most URLs are made of them.
const SAFE = /^[A-Za-z0-9_\-.,:/@=+%]+$/;

/** One argument, quoted only when it must be: POSIX single quotes (as Python's shlex.quote), cmd double quotes. */
export function quoteArg(value: string, platform: Platform): string {
  if (value !== "" && SAFE.test(value)) return value;
  if (platform === "windows") return `"${value.replace(/"/g, '""')}"`;
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** `flowml worker --master <url> --token <token>`, plus `--pool solo` on Windows (Celery's prefork pool fails there). */
export function workerCommand(masterUrl: string, token: string, platform: Platform = "unix"): string {
  const master = masterUrl.replace(/\/+$/, "");
  const parts = ["flowml", "worker", "--master", quoteArg(master, platform), "--token", quoteArg(token, platform)];
  if (platform === "windows") parts.push("--pool", "solo");
  return parts.join(" ");
}

/** Installs FlowML from the user's copy of the repository into a virtual environment, then enters it. */
export function installLines(platform: Platform): string[] {
  if (platform === "windows") {
    return [
      "git clone <your FlowML repository> flowml && cd flowml",
      "py -3.11 -m venv .venv",
      ".venv\\Scripts\\pip install -c backend\\constraints.txt .\\backend",
      ".venv\\Scripts\\activate",
    ];
  }
  return [
    "git clone <your FlowML repository> flowml && cd flowml",
    "python3 -m venv .venv",
    ".venv/bin/pip install -c backend/constraints.txt ./backend",
    "source .venv/bin/activate",
  ];
}
