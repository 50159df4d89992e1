import { describe, expect, it } from "vitest";
import { keyAction, NUDGE, NUDGE_LARGE } from "./keys";

type Modifiers = Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }>;

const press = (key: string, more: Modifiers = {}) => ({
  key,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  ...more,
});

describe("the editor's keys", () => {
  it.each([
    ["ArrowLeft", -NUDGE, 0],
    ["ArrowRight", NUDGE, 0],
    ["ArrowUp", 0, -NUDGE],
    ["ArrowDown", 0, NUDGE],
  ])("%s nudges the box a little", (key, dx, dy) => {
    expect(keyAction(press(key), true)).toEqual({ kind: "nudge", dx, dy });
  });

  it("Shift with an arrow moves it ten times further", () => {
    const far = keyAction(press("ArrowRight", { shiftKey: true }), false);
    expect(far).toEqual({ kind: "nudge", dx: NUDGE_LARGE, dy: 0 });
  });

  it.each([
    [press("z", { ctrlKey: true }), "undo"],
    [press("z", { metaKey: true }), "undo"],
    [press("Z", { ctrlKey: true, shiftKey: true }), "redo"],
    [press("y", { ctrlKey: true }), "redo"],
    [press("Delete"), "delete"],
    [press("Backspace"), "delete"],
  ])("%o is %s", (event, kind) => {
    expect(keyAction(event, false)?.kind).toBe(kind);
  });

  it("Enter edits the text on the canvas but leaves buttons to press themselves", () => {
    expect(keyAction(press("Enter"), true)).toEqual({ kind: "editText" });
    expect(keyAction(press("Enter"), false)).toBeNull();
  });

  it("leaves other keys and shortcuts alone", () => {
    expect(keyAction(press("a"), true)).toBeNull();
    expect(keyAction(press("c", { ctrlKey: true }), true)).toBeNull();
  });
});
