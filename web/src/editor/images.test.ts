import { describe, expect, it } from "vitest";
import { boxToPixels } from "./geometry";
import { placedBox } from "./images";

const canvas = { width: 960 };

describe("a picture added to a slide", () => {
  it.each([
    [4000, 3000],
    [1080, 1920],
    [1920, 1080],
    [3000, 1000],
  ])("keeps the proportions of a %i x %i image, centred", (width, height) => {
    const box = placedBox(width, height);
    const pixels = boxToPixels(box, canvas);
    expect(pixels.w / pixels.h).toBeCloseTo(width / height, 3);
    expect(box.x + box.w / 2).toBeCloseTo(0.5, 5);
    expect(box.y + box.h / 2).toBeCloseTo(0.5, 5);
    expect(Math.max(box.w, box.h)).toBeCloseTo(0.5, 5);
  });

  it("is 16:9 when the image's size is unknown", () => {
    expect(placedBox(null, null)).toEqual({ x: 0.25, y: 0.25, w: 0.5, h: 0.5 });
  });
});
