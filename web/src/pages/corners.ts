/** A photo's page corners as the person adjusts them: four points of the original upright
 * image, as fractions (0..1) of its width and height, in the order top-left, top-right,
 * bottom-right, bottom-left; the rules the API holds them to (`PUT .../page`), checked before
 * sending; what a drag or an arrow key does to a handle, and where a corner is said to be.
 * Plain functions, unit-tested. */

import type { Translate } from "../i18n";

export type Point = readonly [number, number];
export type Quad = readonly [Point, Point, Point, Point];

/** The corners' names, in the API's order (the i18n keys `corner.<name>`). */
export const CORNERS = ["topLeft", "topRight", "bottomRight", "bottomLeft"] as const;
export type CornerName = (typeof CORNERS)[number];

/** The smallest page the API reads again: 1 % of the image. */
export const MIN_AREA = 0.01;
/** How far an arrow key moves a corner, as a fraction of the image; with Shift, more. */
export const STEP = 0.005;
export const STEP_LARGE = 0.05;

/** Why the API would refuse the corners, or null when they are fine. */
export type QuadProblem = "outside" | "notConvex" | "tooSmall";

/** Where to start without found corners: a rectangle `inset` from each edge. */
export function insetQuad(inset = 0.05): Quad {
  const near = inset;
  const far = 1 - inset;
  return [
    [near, near],
    [far, near],
    [far, far],
    [near, far],
  ];
}

export function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** A fraction kept to 4 decimals (a pixel of a 10 000-pixel photo), as it is sent. */
function tidy(value: number): number {
  return Number(clamp(value).toFixed(4));
}

/** The quad with one corner put at `point`, held inside the image. */
export function withCorner(quad: Quad, index: number, point: Point): Quad {
  const moved = quad.map((corner, i) =>
    i === index ? ([tidy(point[0]), tidy(point[1])] as const) : corner,
  );
  return moved as unknown as Quad;
}

/** Where a pointer at (clientX, clientY) lies over the image's box on the screen, as fractions
 * of the image, held inside it (a drag past the edge stops at the edge). */
export function pointerToPoint(
  clientX: number,
  clientY: number,
  box: { left: number; top: number; width: number; height: number },
): Point {
  if (box.width <= 0 || box.height <= 0) return [0, 0];
  return [tidy((clientX - box.left) / box.width), tidy((clientY - box.top) / box.height)];
}

const ARROWS: Record<string, Point> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** The quad after a key pressed on corner `index`'s handle; null when the key is not an arrow
 * (the handle leaves it to the browser). */
export function afterKey(
  quad: Quad,
  index: number,
  event: { key: string; shiftKey: boolean },
): Quad | null {
  const arrow = ARROWS[event.key];
  if (!arrow) return null;
  const step = event.shiftKey ? STEP_LARGE : STEP;
  const [x, y] = quad[index];
  return withCorner(quad, index, [x + arrow[0] * step, y + arrow[1] * step]);
}

/** A fraction as a screen reader is told it: a percentage to one decimal (an arrow key moves
 * a corner half a percent), e.g. "12.5 %". */
export function percentText(value: number): string {
  return `${Number((clamp(value) * 100).toFixed(1))} %`;
}

/** Where corner `index` is, in words: "Top-left corner: 12.5 % from the left, 8 % from the top".
 * Each handle is described by it, and it is announced when a handle is moved. */
export function cornerPlace(quad: Quad, index: number, t: Translate): string {
  const [x, y] = quad[index];
  const name = t(`corner.${CORNERS[index]}`);
  return t("cornerAt", { name, x: percentText(x), y: percentText(y) });
}

/** A key pressed on corner `index`'s handle: the quad after it and what is announced (the
 * corner's new place, `cornerPlace`); null when the key is not an arrow. */
export function keyMove(
  quad: Quad,
  index: number,
  event: { key: string; shiftKey: boolean },
  t: Translate,
): { quad: Quad; said: string } | null {
  const moved = afterKey(quad, index, event);
  return moved && { quad: moved, said: cornerPlace(moved, index, t) };
}

/** The quad's area as a fraction of the image (the shoelace formula; positive when its corners
 * go clockwise on the screen, as top-left, top-right, bottom-right, bottom-left do). */
export function signedArea(quad: Quad): number {
  let twice = 0;
  for (let i = 0; i < 4; i++) {
    const [x0, y0] = quad[i];
    const [x1, y1] = quad[(i + 1) % 4];
    twice += x0 * y1 - x1 * y0;
  }
  return twice / 2;
}

/** Convex, with its corners in the order named (clockwise on the screen, y pointing down):
 * every turn along the edges is a right turn. A crossed ("bow-tie") quad or one whose corners
 * go the other way round fails. Fractions of width and height keep these signs, since scaling
 * an axis by a positive factor does not change which way a corner turns. */
export function isConvexInOrder(quad: Quad): boolean {
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = quad[i];
    const [bx, by] = quad[(i + 1) % 4];
    const [cx, cy] = quad[(i + 2) % 4];
    const turn = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
    if (turn <= 0) return false;
  }
  return true;
}

/** The first rule the corners break, in the order the API checks them; null if none. */
export function quadProblem(quad: Quad): QuadProblem | null {
  if (quad.some(([x, y]) => !(x >= 0 && x <= 1 && y >= 0 && y <= 1))) return "outside";
  if (!isConvexInOrder(quad)) return "notConvex";
  if (signedArea(quad) < MIN_AREA) return "tooSmall";
  return null;
}

/** The quad as the API's JSON takes it (`PageCorners`): `{"corners": [{x, y} × 4]}`. */
export function quadBody(quad: Quad): { corners: { x: number; y: number }[] } {
  return { corners: quad.map(([x, y]) => ({ x, y })) };
}

/** The SVG polygon's points over a box of `width` × `height`. */
export function polygonPoints(quad: Quad, width: number, height: number): string {
  return quad.map(([x, y]) => `${x * width},${y * height}`).join(" ");
}

/** A corner read from the API: an `{x, y}` object (or an `[x, y]` pair); null for anything
 * else. */
function pointFrom(value: unknown): Point | null {
  if (Array.isArray(value) && value.length === 2) {
    const [x, y] = value;
    return typeof x === "number" && typeof y === "number" ? [x, y] : null;
  }
  if (typeof value === "object" && value !== null && "x" in value && "y" in value) {
    const { x, y } = value as { x: unknown; y: unknown };
    return typeof x === "number" && typeof y === "number" ? [x, y] : null;
  }
  return null;
}

/** The corners to start from: the page's own (found or given), else the inset rectangle. */
export function startingQuad(corners: unknown): Quad {
  if (!Array.isArray(corners) || corners.length !== 4) return insetQuad();
  const points = corners.map(pointFrom);
  if (points.some((point) => point === null)) return insetQuad();
  return points.map((point) => [tidy(point![0]), tidy(point![1])]) as unknown as Quad;
}
