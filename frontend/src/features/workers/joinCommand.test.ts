import { describe, expect, it } from "vitest";
import { installLines, quoteArg, workerCommand } from "./joinCommand";

const TOKEN = "fmw_Ab3-x_Yz09";

describe("workerCommand", () => {
  it("builds the exact line for Linux and macOS", () => {
    expect(workerCommand("http://192.168.1.10:8000", TOKEN)).toBe(
      `flowml worker --master http://192.168.1.10:8000 --token ${TOKEN}`,
    );
  });

  it("drops a trailing slash from the master URL, as the server does", () => {
    expect(workerCommand("http://master:8000/", TOKEN)).toBe(`flowml worker --master http://master:8000 --token ${TOKEN}`);
  });

  it("adds --pool solo on Windows", () => {
    expect(workerCommand("https://flowml.example.com", TOKEN, "windows")).toBe(
      `flowml worker --master https://flowml.example.com --token ${TOKEN} --pool solo`,
    );
  });

  it("quotes arguments a shell would split", () => {
    expect(workerCommand("http://my host:8000", "a'b")).toBe(
      `flowml worker --master 'http://my host:8000' --token 'a'"'"'b'`,
    );
    expect(workerCommand("http://my host:8000", 'a"b', "windows")).toBe(
      `flowml worker --master "http://my host:8000" --token "a""b" --pool solo`,
    );
  });
});

describe("quoteArg", () => {
  it("leaves safe text alone and quotes the empty string", () => {
    expect(quoteArg("fmw_abc-DEF", "unix")).toBe("fmw_abc-DEF");
    expect(quoteArg("", "unix")).toBe("''");
    expect(quoteArg("", "windows")).toBe('""');
    expect(quoteArg("$HOME", "unix")).toBe("'$HOME'");
  });
});

describe("installLines", () => {
  it("uses the platform's virtual environment layout", () => {
    expect(installLines("unix")).toContain(".venv/bin/pip install -c backend/constraints.txt ./backend");
    expect(installLines("windows")).toContain(".venv\\Scripts\\pip install -c backend\\constraints.txt .\\backend");
    expect(installLines("windows").join("\n")).not.toContain(".venv/bin");
  });
});
