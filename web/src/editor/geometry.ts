/** The slide's geometry as the deck service places elements (deck-service/deck_service/build.py):
 * boxes are fractions of the slide, rounded to whole EMU; text sizes are points. */

/** The slide in EMU (English Metric Units), 16:9 as the built-in templates are. */
export const SLIDE_WIDTH_EMU = 12_192_000;
export const SLIDE_HEIGHT_EMU = 6_858_000;
export const EMU_PER_POINT = 12_700;
/** python-pptx's text boxes keep PowerPoint's default insets: 0.1 in left and right, 0.05 in
 * above and below; the text wraps inside them. */
export const TEXT_INSET_X_EMU = 91_440;
export const TEXT_INSET_Y_EMU = 45_720;
/** The size the deck service gives a text element without one (build.py's DEFAULT_SIZE). */
export const DEFAULT_SIZE_POINTS = 18;
/** Single-spaced lines are 1.2 em apart, as PowerPoint spaces them and as LibreOffice renders
 * the deck service's boxes in Noto CJK (measured: 95.5 px between lines of 40 pt at 144 dpi). */
export const LINE_HEIGHT = 1.2;
/** Fractions are saved to this many decimals: 1e-6 of the slide is about 12 EMU. */
const DECIMALS = 6;

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
  return emuToPixels(SLIDE_HEIGHT_EMU, canvas);
}

/** The box in EMU exactly as build.py writes it: round(x * slide width), ... */
export function boxToEmu(box: Box): Box {
  return {
    x: Math.round(box.x * SLIDE_WIDTH_EMU),
    y: Math.round(box.y * SLIDE_HEIGHT_EMU),
    w: Math.round(box.w * SLIDE_WIDTH_EMU),
    h: Math.round(box.h * SLIDE_HEIGHT_EMU),
  };
}

export function emuToPixels(emu: number, canvas: Canvas): number {
  return (emu * canvas.width) / SLIDE_WIDTH_EMU;
}

/** Where PowerPoint draws the box on this canvas: through the same whole EMU the .pptx holds. */
export function boxToPixels(box: Box, canvas: Canvas): Box {
  const emu = boxToEmu(box);
  const px = (value: number) => emuToPixels(value, canvas);
  return { x: px(emu.x), y: px(emu.y), w: px(emu.w), h: px(emu.h) };
}

/** The box a pixel rectangle stands for, kept inside the slide as the deck spec requires. */
export function pixelsToBox(pixels: Box, canvas: Canvas): Box {
  const width = canvas.width;
  const height = canvasHeight(canvas);
  const w = round(clamp(pixels.w / width, 1e-4, 1));
  const h = round(clamp(pixels.h / height, 1e-4, 1));
  const x = round(clamp(pixels.x / width, 0, 1 - w));
  return { x, y: round(clamp(pixels.y / height, 0, 1 - h)), w, h };
}

/** The box moved by (dx, dy) slide fractions, kept inside the slide. */
export function movedBox(box: Box, dx: number, dy: number): Box {
  return {
    ...box,
    x: round(clamp(box.x + dx, 0, 1 - box.w)),
    y: round(clamp(box.y + dy, 0, 1 - box.h)),
  };
}

/** A font size in points drawn at the canvas's scale, as PowerPoint would at that zoom. */
export function pointsToPixels(points: number, canvas: Canvas): number {
  return emuToPixels(points * EMU_PER_POINT, canvas);
}

/** Where a text box's text wraps: the box less python-pptx's default insets, in pixels. */
export function textArea(box: Box, canvas: Canvas): Box {
  const outer = boxToPixels(box, canvas);
  const insetX = emuToPixels(TEXT_INSET_X_EMU, canvas);
  const insetY = emuToPixels(TEXT_INSET_Y_EMU, canvas);
  return {
    x: outer.x + insetX,
    y: outer.y + insetY,
    w: Math.max(outer.w - 2 * insetX, 1),
    h: Math.max(outer.h - 2 * insetY, 1),
  };
}

function round(value: number): number {
  return Number(value.toFixed(DECIMALS));
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
