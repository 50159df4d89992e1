import { describe, expect, it } from "vitest";
import * as commands from "./commands";
import { deck } from "./fixtures";
import { History } from "./history";
import type { TextElement } from "./spec";

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const textOf = (history: History) => (history.spec.slides[0].elements![1] as TextElement).text;

describe("undo and redo", () => {
  it("takes steps back and forward in order", () => {
    const history = new History(deck());
    const start = history.spec;
    const moved = history.run(commands.moveElement(0, 1, { x: 0.2, y: 0.2, w: 0.5, h: 0.2 }));
    const styled = history.run(commands.setStyle(0, 1, { bold: true }));
    expect(history.undo()).toBe(moved);
    expect(history.undo()).toBe(start);
    expect(history.undo()).toBe(start);
    expect(history.redo()).toBe(moved);
    expect(history.redo()).toBe(styled);
    expect(history.redo()).toBe(styled);
  });

  it("forgets what could be redone once a new change is made", () => {
    const history = new History(deck());
    history.run(commands.setStyle(0, 1, { bold: true }));
    history.undo();
    history.run(commands.setStyle(0, 1, { italic: true }));
    expect(history.redoLabel).toBeNull();
    expect(history.undoLabel).toBe("style");
  });

  it("undoes text typed in one go as one step", () => {
    const time = clock();
    const history = new History(deck(), time.now);
    for (const typed of ["새", "새 글", "새 글이"]) {
      history.run(commands.setText(0, 1, typed));
      time.advance(300);
    }
    expect(textOf(history)).toBe("새 글이");
    history.undo();
    expect(textOf(history)).toBe("안녕하세요");
  });

  it("keeps text typed after a pause as its own step", () => {
    const time = clock();
    const history = new History(deck(), time.now);
    history.run(commands.setText(0, 1, "first"));
    time.advance(5_000);
    history.run(commands.setText(0, 1, "second"));
    history.undo();
    expect(textOf(history)).toBe("first");
  });

  it("undoes a run of arrow-key nudges as one move", () => {
    const history = new History(deck());
    const start = history.spec;
    for (let i = 0; i < 5; i++) history.run(commands.nudgeElement(0, 1, 0.002, 0));
    expect(history.spec.slides[0].elements![1].x).toBeCloseTo(0.11, 9);
    expect(history.undo()).toBe(start);
  });

  it("does not merge nudges of two different boxes", () => {
    const history = new History(deck());
    history.run(commands.nudgeElement(0, 1, 0.01, 0));
    const afterFirst = history.spec;
    history.run(commands.nudgeElement(0, 2, 0.01, 0));
    expect(history.undo()).toBe(afterFirst);
  });
});
