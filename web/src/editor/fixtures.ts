/** A small deck spec for the editor's tests, shaped as the gateway stores one (defaults written
 * out, `None`s left out: model_dump(exclude_none=True)). */
import type { DeckSpec, TextElement } from "./spec";

export function text(overrides: Partial<TextElement> = {}): TextElement {
  return {
    type: "text",
    text: "안녕하세요",
    x: 0.1,
    y: 0.1,
    w: 0.5,
    h: 0.2,
    bold: false,
    italic: false,
    underline: false,
    align: "left",
    ...overrides,
  };
}

export function deck(): DeckSpec {
  return {
    template_id: "clean",
    title: "자료 Jaryo",
    slides: [
      {
        layout: "blank",
        elements: [
          { type: "image", image_id: "img-1", variant: "clean", x: 0, y: 0.05, w: 1, h: 0.9 },
          text({ size: 24.5, color: "#1F2937" }),
          text({ text: "Second line\n둘째 줄", y: 0.5, font: "Noto Serif CJK KR" }),
        ],
      },
      { layout: "title", elements: [text({ text: "Slide two" })] },
    ],
  };
}
