import { describe, expect, it } from "vitest";
import { dataExtent, nearestPoint, niceTicks, pixelMapper } from "./scatterGeometry";

describe("dataExtent", () => {
  it("finds each axis' smallest and largest value, skipping values that are not finite", () => {
    const points = [
      { x: 1, y: -2 },
      { x: -3, y: 5 },
      { x: Number.NaN, y: 100 },
      { x: 4, y: 0.5 },
    ];
    expect(dataExtent(points)).toEqual({ x: { min: -3, max: 4 }, y: { min: -2, max: 5 } });
  });

  it("is null without a point", () => {
    expect(dataExtent([])).toBeNull();
  });
});

describe("niceTicks", () => {
  it("steps by 1, 2 or 5 times a power of ten and covers the range", () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-3.2, 7.7)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
    expect(niceTicks(0.12, 0.93)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-2.71, 3.9)).toEqual([-3, -2, -1, 0, 1, 2, 3, 4]);
    expect(niceTicks(0, 1000)).toEqual([0, 200, 400, 600, 800, 1000]);
  });

  it("keeps about five ticks whatever the scale, the range inside the first and last", () => {
    for (const [min, max] of [
      [0.0013, 0.0091],
      [-42, 17],
      [1234, 98765],
      [-0.5, 0.5],
    ] as const) {
      const ticks = niceTicks(min, max);
      expect(ticks.length).toBeGreaterThanOrEqual(4);
      expect(ticks.length).toBeLessThanOrEqual(11);
      expect(ticks[0]).toBeLessThanOrEqual(min);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
    }
  });

  it("gives a single value a range around it, and takes the bounds in either order", () => {
    const around = niceTicks(3, 3);
    expect(around[0]).toBeLessThan(3);
    expect(around[around.length - 1]).toBeGreaterThan(3);
    expect(niceTicks(0, 0)).toContain(0);
    expect(niceTicks(10, 0)).toEqual(niceTicks(0, 10));
  });
});

describe("pixelMapper", () => {
  it("maps the domain onto the box, y growing upwards", () => {
    const toPixel = pixelMapper({ min: 0, max: 10 }, { min: -1, max: 1 }, { left: 50, top: 10, width: 200, height: 100 });
    expect(toPixel({ x: 0, y: -1 })).toEqual({ x: 50, y: 110 });
    expect(toPixel({ x: 10, y: 1 })).toEqual({ x: 250, y: 10 });
    expect(toPixel({ x: 5, y: 0 })).toEqual({ x: 150, y: 60 });
  });
});

describe("nearestPoint", () => {
  const pixels = [
    { x: 10, y: 10 },
    { x: 20, y: 10 },
    { x: 20, y: 10 },
    { x: 100, y: 100 },
  ];

  it("finds the nearest point within the radius", () => {
    expect(nearestPoint(pixels, { x: 12, y: 11 }, 8)).toBe(0);
    expect(nearestPoint(pixels, { x: 97, y: 104 }, 8)).toBe(3);
  });

  it("prefers the one drawn last where points coincide", () => {
    expect(nearestPoint(pixels, { x: 19, y: 10 }, 8)).toBe(2);
  });

  it("is null when nothing is within the radius", () => {
    expect(nearestPoint(pixels, { x: 60, y: 60 }, 8)).toBeNull();
    expect(nearestPoint([], { x: 0, y: 0 }, 8)).toBeNull();
  });
});
