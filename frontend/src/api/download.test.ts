import { describe, expect, it } from "vitest";
import { filenameFromDisposition } from "./download";

describe("filenameFromDisposition", () => {
  it("reads quoted and bare file names", () => {
    expect(filenameFromDisposition('attachment; filename="model-abc.zip"')).toBe("model-abc.zip");
    expect(filenameFromDisposition("attachment; filename=model.onnx")).toBe("model.onnx");
  });

  it("prefers the RFC 5987 name, decoded", () => {
    expect(filenameFromDisposition(`attachment; filename="fallback.zip"; filename*=UTF-8''mod%C3%A8le%20A.zip`)).toBe("modèle A.zip");
  });

  it("falls back to the plain name when the encoded one is malformed", () => {
    expect(filenameFromDisposition(`attachment; filename*=UTF-8''bad%E0%A4; filename="ok.zip"`)).toBe("ok.zip");
  });

  it("has nothing to say without a header or a name", () => {
    expect(filenameFromDisposition(null)).toBeNull();
    expect(filenameFromDisposition("inline")).toBeNull();
  });
});
