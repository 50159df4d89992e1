import { describe, expect, it } from "vitest";
import {
  boxToEmu,
  boxToPixels,
  canvasHeight,
  movedBox,
  pixelsToBox,
  pointsToPixels,
  textArea,
} from "./geometry";

const canvas = { width: 960 };

describe("the slide geometry", () => {
  it("draws a 16:9 slide", () => {
    expect(canvasHeight(canvas)).toBe(540);
    expect(canvasHeight({ width: 480 })).toBe(270);
  });

  it("places a box at the whole EMU the deck service writes", () => {
    // build.py: Emu(round(x * slide width)), for a 12 192 000 x 6 858 000 EMU slide.
    expect(boxToEmu({ x: 0.1, y: 0.5, w: 0.5, h: 0.25 })).toEqual({
      x: 1_219_200,
      y: 3_429_000,
      w: 6_096_000,
      h: 1_714_500,
    });
    expect(boxToEmu({ x: 0.123457, y: 1 / 7, w: 0.123457, h: 0.000001 })).toEqual({
      x: 1_505_188,
      y: 979_714,
      w: 1_505_188,
      h: 7,
    });
  });

  it.each([
    [960, { x: 96, y: 270, w: 480, h: 135 }],
    [480, { x: 48, y: 135, w: 240, h: 67.5 }],
    [1920, { x: 192, y: 540, w: 960, h: 270 }],
  ])("draws a box at its fractions of a %i px canvas", (width, pixels) => {
    expect(boxToPixels({ x: 0.1, y: 0.5, w: 0.5, h: 0.25 }, { width })).toEqual(pixels);
  });

  it.each([320, 960, 1366])("gives back the same box after a round trip through %i px", (width) => {
    const box = { x: 0.123, y: 0.456, w: 0.3, h: 0.2 };
    const back = pixelsToBox(boxToPixels(box, { width }), { width });
    for (const side of ["x", "y", "w", "h"] as const) expect(back[side]).toBeCloseTo(box[side], 6);
  });

  it("keeps a box dragged past the edge inside the slide", () => {
    const box = pixelsToBox({ x: 900, y: -20, w: 192, h: 54 }, canvas);
    expect(box.x + box.w).toBeCloseTo(1, 9);
    expect(box.y).toBe(0);
  });

  it("keeps a nudged box inside the slide", () => {
    const box = { x: 0.95, y: 0.01, w: 0.1, h: 0.2 };
    expect(movedBox(box, 0.02, -0.02)).toEqual({ x: 0.9, y: 0, w: 0.1, h: 0.2 });
  });

  it.each([
    [960, 18, 18],
    [480, 18, 9],
    [1920, 24, 48],
    [1280, 72, 96],
  ])("draws points at the canvas's scale: %i px wide, %i pt is %i px", (width, points, pixels) => {
    // 12 192 000 EMU = 13.333 in; at 960 px wide that is 72 px per inch, so 1 pt = 1 px.
    expect(pointsToPixels(points, { width })).toBeCloseTo(pixels, 9);
  });

  it("wraps text inside python-pptx's default insets of 0.1 in and 0.05 in", () => {
    // At 960 px, 1 in = 72 px: insets of 7.2 px left and right, 3.6 px above and below.
    expect(textArea({ x: 0.1, y: 0.5, w: 0.5, h: 0.25 }, canvas)).toEqual({
      x: 103.2,
      y: 273.6,
      w: 465.6,
      h: 127.8,
    });
  });
});
