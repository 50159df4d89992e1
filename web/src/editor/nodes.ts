/** The Konva shapes of one element, drawn with the deck service's geometry (geometry.ts): a box
 * at its whole-EMU position, its text inside python-pptx's insets, in points at canvas scale. */
import Konva from "konva/lib/Core";
import { Image as KonvaImage } from "konva/lib/shapes/Image";
import { Rect } from "konva/lib/shapes/Rect";
import { Text } from "konva/lib/shapes/Text";
import { cropInPixels } from "./crop";
import {
  DEFAULT_SIZE_POINTS,
  LINE_HEIGHT,
  boxToPixels,
  pointsToPixels,
  textArea,
  type Box,
  type Canvas,
} from "./geometry";
import { boxOf, type Element, type ImageElement, type TextElement } from "./spec";
import { cssFamily, type Theme } from "./theme";

/** The text's look as drawn on the canvas and in the in-place editor alike. */
export interface TextLook {
  fontFamily: string;
  fontSizePx: number;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  color: string;
  align: TextElement["align"];
}

export function textLook(element: TextElement, theme: Theme, canvas: Canvas): TextLook {
  return {
    fontFamily: cssFamily(element.font ?? theme.font),
    fontSizePx: pointsToPixels(element.size ?? DEFAULT_SIZE_POINTS, canvas),
    bold: element.bold,
    italic: element.italic,
    underline: element.underline,
    color: element.color ?? theme.text,
    align: element.align,
  };
}

/** One draggable group per element, at its box's top-left corner. */
export function elementNode(
  element: Element,
  theme: Theme,
  canvas: Canvas,
  image: HTMLImageElement | undefined,
): Konva.Group {
  const box = boxToPixels(boxOf(element), canvas);
  const group = new Konva.Group({ x: box.x, y: box.y, draggable: true });
  // The whole box takes the pointer, not only its letters; the dashed edge is the editor's own.
  group.add(
    new Rect({
      name: "frame",
      width: box.w,
      height: box.h,
      fill: "rgba(0,0,0,0)",
      stroke: element.type === "text" ? "rgba(120,120,120,0.6)" : undefined,
      strokeWidth: 1,
      dash: [4, 4],
      strokeScaleEnabled: false,
    }),
  );
  if (element.type === "text") group.add(textNode(element, theme, canvas, box));
  else group.add(imageNode(element, image, box));
  return group;
}

function textNode(element: TextElement, theme: Theme, canvas: Canvas, box: Box) {
  const area = textArea(boxOf(element), canvas);
  const look = textLook(element, theme, canvas);
  const text = new Text({
    name: "text",
    x: area.x - box.x,
    y: area.y - box.y,
    width: area.w,
    text: element.text,
    fontFamily: look.fontFamily,
    fontSize: look.fontSizePx,
    fontStyle: [look.bold ? "bold" : "", look.italic ? "italic" : ""].join(" ").trim() || "normal",
    textDecoration: look.underline ? "underline" : "",
    fill: look.color,
    align: look.align,
    lineHeight: LINE_HEIGHT,
    wrap: "word",
    listening: false,
  });
  shrinkToFit(text, area.h);
  return text;
}

/** The deck's text boxes shrink their text on overflow (normAutofit): so does the canvas. */
function shrinkToFit(text: Text, height: number): void {
  for (let step = 0; step < 30 && text.height() > height && text.fontSize() > 1; step++)
    text.fontSize(text.fontSize() * 0.92);
}

/** The picture (or its crop) stretched to its box, as python-pptx places it (width and height
 * both given). */
function imageNode(element: ImageElement, image: HTMLImageElement | undefined, box: Box) {
  const size = { width: box.w, height: box.h };
  if (!image) return new Rect({ ...size, fill: "#d8dce1", listening: false });
  const crop = cropInPixels(element.crop, image);
  return new KonvaImage({ image, ...size, ...(crop && { crop }), listening: false });
}
