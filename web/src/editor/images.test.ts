import { describe, expect, it } from "vitest";
import { boxToPixels } from "./geometry";
import { deck } from "./fixtures";
import {
  pictureKey,
  pictureSources,
  placedBox,
  placedPictures,
  type Placed,
  type UploadImage,
} from "./images";

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

function image(imageId: string, fields: Partial<UploadImage> = {}): UploadImage {
  return {
    image_id: imageId,
    filename: `${imageId}.png`,
    original_filename: null,
    width: 1600,
    height: 900,
    storage: { status: "stored" },
    ...fields,
  };
}

const withCopy = { links: { background: "/v1/uploads/u/images/a/background?v=3" } };

describe("the pictures the editor loads", () => {
  it("loads a clean picture from the image's background link, its version with it", () => {
    const sources = pictureSources([image("a", withCopy)], [{ image_id: "a", variant: "clean" }]);
    expect(sources).toEqual([
      { key: "a:original", image_id: "a", route: "original" },
      {
        key: "a:clean",
        image_id: "a",
        route: "background",
        link: "/v1/uploads/u/images/a/background?v=3",
      },
    ]);
  });

  it("shows the original for a clean picture of an image without a copy, as the deck does", () => {
    const sources = pictureSources([image("a")], [{ image_id: "a", variant: "clean" }]);
    expect(sources).toContainEqual({ key: "a:clean", image_id: "a", route: "original" });
  });

  it("keeps a clean picture and the same image's original apart", () => {
    expect(pictureKey({ image_id: "a", variant: "clean" })).not.toBe(
      pictureKey({ image_id: "a", variant: "original" }),
    );
    // A spec stored before variants existed places originals.
    expect(pictureKey({ image_id: "a" })).toBe(pictureKey({ image_id: "a", variant: "original" }));
  });

  it("offers every stored image's original and loads nothing of an unstored one", () => {
    const images = [image("a", withCopy), image("b", { storage: { status: "queued" } })];
    const sources = pictureSources(images, [{ image_id: "b", variant: "clean" }]);
    expect(sources.map((source) => source.key)).toEqual(["a:original"]);
  });

  it("finds each placed picture of the deck once, with its variant", () => {
    const spec = deck();
    spec.slides.push(structuredClone(spec.slides[0]));
    expect(placedPictures(spec)).toEqual([
      expect.objectContaining({ image_id: "img-1", variant: "clean" }),
    ]);
  });
});

describe("the pages made of photos", () => {
  const page: Placed = { image_id: "a", variant: "page" };
  const withPage = { links: { page: "/v1/uploads/u/images/a/page?v=2" } };

  it("loads a page picture from the image's page link, its version with it", () => {
    const sources = pictureSources([image("a", withPage)], [page]);
    expect(sources).toContainEqual({
      key: "a:page",
      image_id: "a",
      route: "page",
      link: "/v1/uploads/u/images/a/page?v=2",
    });
  });

  it("shows the original for a page picture of an image without a page, as clean ones do", () => {
    const sources = pictureSources([image("a")], [page]);
    expect(sources).toContainEqual({ key: "a:page", image_id: "a", route: "original" });
  });

  it("keeps the page, the clean copy and the original of one image apart", () => {
    const clean = { image_id: "a", variant: "clean" } as const;
    const both = { links: { ...withPage.links, background: "/v1/uploads/u/images/a/background" } };
    const sources = pictureSources([image("a", both)], [page, clean]);
    expect(sources.map((source) => [source.key, source.route])).toEqual([
      ["a:original", "original"],
      ["a:page", "page"],
      ["a:clean", "background"],
    ]);
  });
});
