/** A cropped picture's part of its image (the spec's `crop`, fractions of the image) in the loaded
 * image's pixels, as Konva's Image `crop` takes it: the part the deck service cuts (build.py). */
import type { ImageElement } from "./spec";

export type Crop = NonNullable<ImageElement["crop"]>;

/** Konva's `crop`: a rectangle of the image, in its natural pixels. */
export interface PixelCrop {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Undefined for a picture without a crop (it shows the whole image). The spec lets a crop reach
 * a rounding hair past the image's edge; the deck cuts nothing there, and neither does this. */
export function cropInPixels(
  crop: Crop | null | undefined,
  image: { naturalWidth: number; naturalHeight: number },
): PixelCrop | undefined {
  if (!crop) return undefined;
  return {
    x: crop.x * image.naturalWidth,
    y: crop.y * image.naturalHeight,
    width: Math.min(crop.w, 1 - crop.x) * image.naturalWidth,
    height: Math.min(crop.h, 1 - crop.y) * image.naturalHeight,
  };
}
