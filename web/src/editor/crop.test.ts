import { describe, expect, it } from "vitest";
import type { Image as KonvaImage } from "konva/lib/shapes/Image";
import * as commands from "./commands";
import { cropInPixels } from "./crop";
import { deck } from "./fixtures";
import { History } from "./history";
import { elementNode } from "./nodes";
import type { DeckSpec, ImageElement } from "./spec";
import { themeOf } from "./theme";

/** A loaded 400 x 200 image, as far as the canvas reads one. */
const loaded = { naturalWidth: 400, naturalHeight: 200 } as HTMLImageElement;
const RIGHT_HALF = { x: 0.5, y: 0, w: 0.5, h: 1 };

function picture(crop?: ImageElement["crop"]): ImageElement {
  const box = { x: 0.1, y: 0.2, w: 0.4, h: 0.5 };
  return { type: "image", image_id: "img-1", variant: "original", ...box, crop };
}

describe("a cropped picture on the canvas", () => {
  it("maps the crop's fractions to the loaded image's pixels", () => {
    expect(cropInPixels({ x: 0.25, y: 0.5, w: 0.5, h: 0.25 }, loaded)).toEqual({
      x: 100,
      y: 100,
      width: 200,
      height: 50,
    });
  });

  it("shows the whole image when the picture has no crop", () => {
    expect(cropInPixels(undefined, loaded)).toBeUndefined();
    expect(cropInPixels(null, loaded)).toBeUndefined();
  });

  it("stops at the image's edge where the crop reaches a rounding hair past it", () => {
    const crop = cropInPixels({ x: 0.6, y: 0.7, w: 0.40005, h: 0.30005 }, loaded)!;
    expect(crop.x + crop.width).toBeCloseTo(400, 9);
    expect(crop.y + crop.height).toBeCloseTo(200, 9);
  });

  it("draws only the cropped part, stretched to the element's box", () => {
    const canvas = { width: 1000 };
    const node = elementNode(picture(RIGHT_HALF), themeOf("clean"), canvas, loaded);
    const image = node.findOne("Image") as KonvaImage;
    expect(image.crop()).toEqual({ x: 200, y: 0, width: 200, height: 200 });
    expect(image.size()).toEqual({ width: 400, height: 281.25 });
  });
});

describe("a cropped picture edited", () => {
  const withCrop = (): DeckSpec => {
    const spec = deck();
    spec.slides[0].elements![0] = picture(RIGHT_HALF);
    return spec;
  };
  const placed = (spec: DeckSpec) => spec.slides[0].elements![0] as ImageElement;

  it("keeps its crop when moved, nudged or resized: the crop belongs to the element", () => {
    const history = new History(withCrop());
    history.run(commands.moveElement(0, 0, { x: 0.3, y: 0.1, w: 0.4, h: 0.5 }));
    history.run(commands.nudgeElement(0, 0, 0.01, 0.01));
    const spec = history.run(commands.resizeElement(0, 0, { x: 0.31, y: 0.11, w: 0.2, h: 0.25 }));
    expect(placed(spec)).toMatchObject({ x: 0.31, y: 0.11, w: 0.2, h: 0.25, crop: RIGHT_HALF });
  });
});
