/** Every change a person makes, as a command: a pure function from one deck spec to the next
 * (never mutated, so history keeps every version cheaply, sharing what is unchanged). */
import { movedBox, type Box } from "./geometry";
import {
  elementsOf,
  MAX_ELEMENTS,
  MAX_SLIDES,
  type DeckSpec,
  type Element,
  type ImageElement,
  type Slide,
  type TextElement,
  type TextStyle,
} from "./spec";

export interface Command {
  /** What it does, for the undo and redo buttons' labels. */
  label: CommandLabel;
  apply(spec: DeckSpec): DeckSpec;
  /** Commands with the same key in a row (typing in a box, nudging it) undo as one. */
  mergeKey?: string;
}

export type CommandLabel =
  | "move"
  | "resize"
  | "text"
  | "style"
  | "addText"
  | "addImage"
  | "deleteElement"
  | "addSlide"
  | "duplicateSlide"
  | "deleteSlide"
  | "moveSlide";

/** Where a new text box goes and what it says until the person types. */
const NEW_TEXT_BOX: Box = { x: 0.1, y: 0.4, w: 0.8, h: 0.2 };

export function moveElement(slide: number, index: number, box: Box): Command {
  return { label: "move", apply: (spec) => updateElement(spec, slide, index, box) };
}

export function nudgeElement(slide: number, index: number, dx: number, dy: number): Command {
  return {
    label: "move",
    mergeKey: `nudge:${slide}:${index}`,
    apply: (spec) => {
      const element = elementsOf(spec.slides[slide])[index];
      return updateElement(spec, slide, index, movedBox(element, dx, dy));
    },
  };
}

export function resizeElement(slide: number, index: number, box: Box): Command {
  return { label: "resize", apply: (spec) => updateElement(spec, slide, index, box) };
}

export function setText(slide: number, index: number, text: string): Command {
  return {
    label: "text",
    mergeKey: `text:${slide}:${index}`,
    apply: (spec) => updateElement(spec, slide, index, { text }),
  };
}

/** Changes the given styles; a style set to `undefined` goes back to the template's. */
export function setStyle(slide: number, index: number, style: Partial<TextStyle>): Command {
  return {
    label: "style",
    apply: (spec) => {
      const element = { ...elementsOf(spec.slides[slide])[index], ...style } as TextElement;
      for (const [name, value] of Object.entries(style))
        if (value === undefined) delete element[name as keyof TextStyle];
      return replaceElement(spec, slide, index, element);
    },
  };
}

export function addTextBox(slide: number, text: string): Command {
  const element: TextElement = {
    type: "text",
    text,
    ...NEW_TEXT_BOX,
    bold: false,
    italic: false,
    underline: false,
    align: "left",
  };
  return { label: "addText", apply: (spec) => addElement(spec, slide, element) };
}

export function addImage(slide: number, imageId: string, box: Box): Command {
  const element: ImageElement = { type: "image", image_id: imageId, variant: "original", ...box };
  return { label: "addImage", apply: (spec) => addElement(spec, slide, element) };
}

export function deleteElement(slide: number, index: number): Command {
  return {
    label: "deleteElement",
    apply: (spec) => withElements(spec, slide, (all) => all.filter((_, i) => i !== index)),
  };
}

export function addSlide(after: number): Command {
  const slide: Slide = { layout: "blank", elements: [] };
  return { label: "addSlide", apply: (spec) => insertSlide(spec, after + 1, slide) };
}

export function duplicateSlide(index: number): Command {
  return {
    label: "duplicateSlide",
    apply: (spec) => insertSlide(spec, index + 1, spec.slides[index]),
  };
}

/** Deletes a slide; the last one stays, since a deck has at least one. */
export function deleteSlide(index: number): Command {
  return {
    label: "deleteSlide",
    apply: (spec) => {
      if (spec.slides.length <= 1) return spec;
      return { ...spec, slides: spec.slides.filter((_, i) => i !== index) };
    },
  };
}

/** Moves a slide from one position to another (both counted before the move). */
export function moveSlide(from: number, to: number): Command {
  return {
    label: "moveSlide",
    apply: (spec) => {
      if (to < 0 || to >= spec.slides.length || from === to) return spec;
      const slides = [...spec.slides];
      const [moving] = slides.splice(from, 1);
      slides.splice(to, 0, moving);
      return { ...spec, slides };
    },
  };
}

function insertSlide(spec: DeckSpec, at: number, slide: Slide): DeckSpec {
  if (spec.slides.length >= MAX_SLIDES) return spec;
  const slides = [...spec.slides];
  slides.splice(at, 0, slide);
  return { ...spec, slides };
}

/** Adds the element on top of the slide's others; a full slide stays as it is. */
function addElement(spec: DeckSpec, slide: number, element: Element): DeckSpec {
  if (elementsOf(spec.slides[slide]).length >= MAX_ELEMENTS) return spec;
  return withElements(spec, slide, (all) => [...all, element]);
}

function updateElement(
  spec: DeckSpec,
  slide: number,
  index: number,
  change: Partial<TextElement> | Partial<ImageElement>,
): DeckSpec {
  const element = { ...elementsOf(spec.slides[slide])[index], ...change } as Element;
  return replaceElement(spec, slide, index, element);
}

function replaceElement(spec: DeckSpec, slide: number, index: number, element: Element): DeckSpec {
  return withElements(spec, slide, (all) => all.map((old, i) => (i === index ? element : old)));
}

function withElements(
  spec: DeckSpec,
  index: number,
  change: (elements: Element[]) => Element[],
): DeckSpec {
  const slides = spec.slides.map((slide, i) =>
    i === index ? { ...slide, elements: change(elementsOf(slide)) } : slide,
  );
  return { ...spec, slides };
}
