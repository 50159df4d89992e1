import { describe, expect, it } from "vitest";
import { boxToPixels, canvasHeight, pixelsToBox, pointsToPixels } from "./model";

const canvas = { width: 960 };

describe("the slide geometry", () => {
  it("draws a 16:9 slide", () => {
    expect(canvasHeight(canvas)).toBe(540);
  });

  it("places a box at its fractions of the canvas", () => {
    expect(boxToPixels({ x: 0.1, y: 0.5, w: 0.5, h: 0.25 }, canvas)).toEqual({
      x: 96,
      y: 270,
      w: 480,
      h: 135,
    });
  });

  it("gives back the same box after a round trip through pixels", () => {
    const box = { x: 0.123, y: 0.456, w: 0.3, h: 0.2 };
    const back = pixelsToBox(boxToPixels(box, canvas), canvas);
    for (const side of ["x", "y", "w", "h"] as const) expect(back[side]).toBeCloseTo(box[side], 9);
  });

  it("keeps a box dragged past the edge inside the slide", () => {
    const box = pixelsToBox({ x: 900, y: -20, w: 192, h: 54 }, canvas);
    expect(box.x + box.w).toBeCloseTo(1, 9);
    expect(box.y).toBe(0);
  });

  it("draws 18 pt at 18/72 inch of a 13.333-inch slide", () => {
    // 12 192 000 EMU = 13.333 in; at 960 px wide that is 72 px per inch, so 1 pt = 1 px.
    expect(pointsToPixels(18, canvas)).toBeCloseTo(18, 9);
  });
});
