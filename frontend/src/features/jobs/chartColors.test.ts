/// <reference types="node" />
// Node's fs (this test reads the stylesheet itself; Vitest hands CSS imports to the test as empty modules).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALGORITHM_COLORS } from "./chart";
// ALGORITHM_COLORS is lib/palette.ts CHART_HUES, the hues clusters take too (every one but the noise grey).

// The theme's backgrounds as index.css defines them (light in :root, dark in .dark), so a change there re-checks
// the dots' contrast here.
const css = readFileSync(new URL("../../index.css", import.meta.url), "utf8");
const BACKGROUND_TOKENS = ["bg", "surface", "raised"];

function themeColors(block: string): string[] {
  return BACKGROUND_TOKENS.map((token) => {
    const match = new RegExp(`--${token}:\\s*(#[0-9a-fA-F]{6})`).exec(block);
    if (!match?.[1]) throw new Error(`--${token} not found in index.css`);
    return match[1];
  });
}

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

describe("algorithm colours", () => {
  const light = themeColors(css.slice(css.indexOf(":root {"), css.indexOf(".dark {")));
  const dark = themeColors(css.slice(css.indexOf(".dark {")));

  it("read both themes' backgrounds", () => {
    expect(light).toHaveLength(3);
    expect(dark).toHaveLength(3);
  });

  it.each([...ALGORITHM_COLORS])("%s is at least 3:1 against every background of both themes", (color) => {
    for (const background of [...light, ...dark]) {
      expect(contrast(color, background), `${color} on ${background}`).toBeGreaterThanOrEqual(3);
    }
  });
});
