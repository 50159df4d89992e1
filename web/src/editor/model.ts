/** The slide model's geometry, as the deck service places elements: boxes are fractions of the
 * slide, text sizes are points. Plain TypeScript, no framework, so the canvas only renders it. */

/** The slide in EMU (English Metric Units), 16:9 as the built-in templates are. */
export const SLIDE_WIDTH_EMU = 12_192_000;
export const SLIDE_HEIGHT_EMU = 6_858_000;
export const EMU_PER_POINT = 12_700;

/** A box as the deck spec holds it: each side a fraction of the slide (0..1). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A canvas drawing the slide `width` pixels wide (its height follows the slide's ratio). */
export interface Canvas {
  width: number;
}

export function canvasHeight(canvas: Canvas): number {
  return (canvas.width * SLIDE_HEIGHT_EMU) / SLIDE_WIDTH_EMU;
}

export function boxToPixels(box: Box, canvas: Canvas): Box {
  const height = canvasHeight(canvas);
  return { x: box.x * canvas.width, y: box.y * height, w: box.w * canvas.width, h: box.h * height };
}

/** The box a pixel rectangle stands for, kept inside the slide as the deck spec requires. */
export function pixelsToBox(pixels: Box, canvas: Canvas): Box {
  const height = canvasHeight(canvas);
  const w = clamp(pixels.w / canvas.width, 0, 1);
  const h = clamp(pixels.h / height, 0, 1);
  return { x: clamp(pixels.x / canvas.width, 0, 1 - w), y: clamp(pixels.y / height, 0, 1 - h), w, h };
}

/** A font size in points drawn at the canvas's scale, as PowerPoint would at that zoom. */
export function pointsToPixels(points: number, canvas: Canvas): number {
  return (points * EMU_PER_POINT * canvas.width) / SLIDE_WIDTH_EMU;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
