import { describe, expect, it } from "vitest";
import * as commands from "./commands";
import { deck } from "./fixtures";
import { History } from "./history";
import type { DeckSpec, TextElement } from "./spec";

const element = (spec: DeckSpec, slide: number, index: number) =>
  spec.slides[slide].elements![index];

/** Runs the command, then checks undo restores the spec before it and redo the one after. */
function runAndUndo(command: commands.Command): { before: DeckSpec; after: DeckSpec } {
  const history = new History(deck());
  const before = history.spec;
  const after = history.run(command);
  expect(after).not.toEqual(before);
  expect(history.undo()).toEqual(before);
  expect(history.redo()).toEqual(after);
  return { before, after };
}

describe("the editor's commands, each undone and redone", () => {
  it("moves a box and leaves every other field and slide as it was", () => {
    const box = { x: 0.3, y: 0.4, w: 0.5, h: 0.2 };
    const { before, after } = runAndUndo(commands.moveElement(0, 1, box));
    expect(element(after, 0, 1)).toEqual({ ...element(before, 0, 1), x: 0.3, y: 0.4 });
    expect(after.slides[1]).toBe(before.slides[1]);
    expect(element(after, 0, 0)).toBe(element(before, 0, 0));
  });

  it("resizes a box", () => {
    const { after } = runAndUndo(commands.resizeElement(0, 1, { x: 0.1, y: 0.1, w: 0.25, h: 0.5 }));
    expect(element(after, 0, 1)).toMatchObject({ w: 0.25, h: 0.5 });
  });

  it("nudges a box by a fraction of the slide, never out of it", () => {
    const { after } = runAndUndo(commands.nudgeElement(0, 1, 0.02, -0.2));
    expect(element(after, 0, 1)).toMatchObject({ x: 0.12, y: 0 });
  });

  it("changes a box's text, Korean included", () => {
    const { after } = runAndUndo(commands.setText(0, 1, "새 글 new text"));
    expect((element(after, 0, 1) as TextElement).text).toBe("새 글 new text");
  });

  it("changes font, size, bold, italic, underline, colour and alignment", () => {
    const style = {
      font: "Noto Serif CJK KR",
      size: 40,
      bold: true,
      italic: true,
      underline: true,
      color: "#C0392B",
      align: "center" as const,
    };
    const { after } = runAndUndo(commands.setStyle(0, 1, style));
    expect(element(after, 0, 1)).toMatchObject(style);
  });

  it("gives a box the template's font and colour back by leaving the fields out", () => {
    const { after } = runAndUndo(commands.setStyle(0, 2, { font: undefined }));
    expect(element(after, 0, 2)).not.toHaveProperty("font");
  });

  it("adds a text box on top of the slide's others", () => {
    const { after } = runAndUndo(commands.addTextBox(1, "New text"));
    expect(after.slides[1].elements).toHaveLength(2);
    expect(element(after, 1, 1)).toMatchObject({ type: "text", text: "New text" });
  });

  it("adds a picture of the upload, as stored (not its clean copy), at the box given", () => {
    const box = { x: 0.25, y: 0.25, w: 0.5, h: 0.5 };
    const { after } = runAndUndo(commands.addImage(1, "img-2", box));
    const added = { type: "image", image_id: "img-2", variant: "original", ...box };
    expect(element(after, 1, 1)).toEqual(added);
  });

  it("deletes a box", () => {
    const { before, after } = runAndUndo(commands.deleteElement(0, 0));
    expect(after.slides[0].elements).toEqual(before.slides[0].elements!.slice(1));
  });

  it("adds an empty blank slide after the current one", () => {
    const { after } = runAndUndo(commands.addSlide(0));
    expect(after.slides.map((slide) => slide.elements!.length)).toEqual([3, 0, 1]);
  });

  it("duplicates a slide right after itself", () => {
    const { before, after } = runAndUndo(commands.duplicateSlide(0));
    expect(after.slides).toEqual([before.slides[0], before.slides[0], before.slides[1]]);
  });

  it("deletes a slide", () => {
    const { before, after } = runAndUndo(commands.deleteSlide(0));
    expect(after.slides).toEqual([before.slides[1]]);
  });

  it("reorders slides", () => {
    const { before, after } = runAndUndo(commands.moveSlide(1, 0));
    expect(after.slides).toEqual([before.slides[1], before.slides[0]]);
  });
});

describe("the spec's limits", () => {
  it("keeps the last slide: a deck has at least one", () => {
    const history = new History({ ...deck(), slides: [deck().slides[0]] });
    const before = history.spec;
    expect(history.run(commands.deleteSlide(0))).toBe(before);
    expect(history.undoLabel).toBeNull();
  });

  it("adds no 101st box to a slide", () => {
    const full = deck();
    full.slides[0].elements = Array.from({ length: 100 }, () => full.slides[0].elements![1]);
    const history = new History(full);
    expect(history.run(commands.addTextBox(0, "one too many"))).toBe(full);
  });

  it("never changes the spec it was given", () => {
    const original = deck();
    const copy = structuredClone(original);
    new History(original).run(commands.setStyle(0, 1, { bold: true, font: undefined }));
    expect(original).toEqual(copy);
  });
});
