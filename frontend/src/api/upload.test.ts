import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeTokenPair, makeUser, memoryStorage } from "../test/factories";
import { endSession, startSession } from "./auth";
import { ApiError } from "./client";
import { uploadDataset } from "./upload";

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: FormData;
}

/** Just enough XMLHttpRequest for uploadDataset: `answer` decides each request's status and body. */
function fakeXhr(answer: (sent: Sent) => { status: number; body: unknown }): Sent[] {
  const sent: Sent[] = [];
  class FakeXhr {
    upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
    status = 0;
    statusText = "";
    responseText = "";
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    private request: Sent = { url: "", headers: {}, body: new FormData() };

    open(_method: string, url: string) {
      this.request.url = url;
    }

    setRequestHeader(name: string, value: string) {
      this.request.headers[name] = value;
    }

    send(body: FormData) {
      this.request.body = body;
      sent.push(this.request);
      const { status, body: reply } = answer(this.request);
      queueMicrotask(() => {
        this.status = status;
        this.responseText = JSON.stringify(reply);
        this.onload?.();
      });
    }

    abort() {
      this.onabort?.();
    }
  }
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  return sent;
}

beforeEach(() => {
  vi.stubGlobal("localStorage", memoryStorage());
  endSession();
});

afterEach(() => {
  endSession();
  vi.unstubAllGlobals();
});

describe("uploadDataset", () => {
  it("sends the access token with the file", async () => {
    const sent = fakeXhr(() => ({ status: 201, body: { id: "d1" } }));
    startSession(makeTokenPair("a1"), makeUser());
    await expect(uploadDataset({ file: new File(["x"], "a.csv"), name: "A" })).resolves.toEqual({ id: "d1" });
    expect(sent[0]?.headers.Authorization).toBe("Bearer a1");
    expect(sent[0]?.body.get("name")).toBe("A");
  });

  it("sends the project the dataset is shared in, and none for a private one", async () => {
    const sent = fakeXhr(() => ({ status: 201, body: { id: "d1" } }));
    startSession(makeTokenPair("a1"), makeUser());
    await uploadDataset({ file: new File(["x"], "a.csv"), project_id: "p1" });
    await uploadDataset({ file: new File(["x"], "a.csv") });
    expect(sent[0]?.body.get("project_id")).toBe("p1");
    expect(sent[1]?.body.get("project_id")).toBeNull();
  });

  it("renews an expired token once and sends the file again", async () => {
    const sent = fakeXhr((request) =>
      request.headers.Authorization === "Bearer a2" ? { status: 201, body: { id: "d2" } } : { status: 401, body: { detail: "expired" } },
    );
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify(makeTokenPair("a2")), { status: 200 }));
    startSession(makeTokenPair("a1"), makeUser());
    await expect(uploadDataset({ file: new File(["x"], "a.csv") })).resolves.toEqual({ id: "d2" });
    expect(sent.map((request) => request.headers.Authorization)).toEqual(["Bearer a1", "Bearer a2"]);
    expect(sent[1]?.body.get("file")).toBeInstanceOf(File);
  });

  it("raises the server's message", async () => {
    fakeXhr(() => ({ status: 422, body: { detail: "the file is empty" } }));
    startSession(makeTokenPair("a1"), makeUser());
    await expect(uploadDataset({ file: new File([""], "a.csv") })).rejects.toEqual(new ApiError(422, "the file is empty"));
  });
});
