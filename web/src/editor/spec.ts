/** The editor's model is the deck spec itself (jaryo_shared/deck_spec.py), typed from the
 * gateway's OpenAPI document: what the person edits is exactly what is saved. */
import type { components } from "../api/schema";
import type { Box } from "./geometry";

export type DeckSpec = components["schemas"]["DeckSpec"];
export type Slide = components["schemas"]["Slide"];
export type TextElement = components["schemas"]["TextElement"];
export type ImageElement = components["schemas"]["ImageElement"];
export type Element = TextElement | ImageElement;
export type Alignment = NonNullable<TextElement["align"]>;

/** The text styles a person can change on a text box (the spec's fields of the same names). */
export type TextStyle = Pick<
  TextElement,
  "font" | "size" | "bold" | "italic" | "underline" | "color" | "align"
>;

/** The deck spec's own limits (deck_spec.py: MAX_SLIDES, MAX_ELEMENTS). */
export const MAX_SLIDES = 200;
export const MAX_ELEMENTS = 100;

export function elementsOf(slide: Slide): Element[] {
  return slide.elements ?? [];
}

export function boxOf(element: Element): Box {
  return { x: element.x, y: element.y, w: element.w, h: element.h };
}

export function isText(element: Element): element is TextElement {
  return element.type === "text";
}
