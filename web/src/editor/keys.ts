/** The editor's keyboard: which key does what (the view applies it), kept apart so it is tested. */

/** How far an arrow key moves a box, as a fraction of the slide; with Shift, ten times more. */
export const NUDGE = 0.002;
export const NUDGE_LARGE = 0.02;

export type KeyAction =
  | { kind: "undo" }
  | { kind: "redo" }
  | { kind: "nudge"; dx: number; dy: number }
  | { kind: "delete" }
  | { kind: "editText" };

interface Key {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** What a key pressed over the slide (canvas or element list) does; null leaves it alone. */
export function keyAction(event: Key, onCanvas: boolean): KeyAction | null {
  const command = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (command && key === "z") return { kind: event.shiftKey ? "redo" : "undo" };
  if (command && key === "y") return { kind: "redo" };
  if (command) return null;
  const arrow = ARROWS[event.key];
  if (arrow) {
    const step = event.shiftKey ? NUDGE_LARGE : NUDGE;
    return { kind: "nudge", dx: arrow[0] * step, dy: arrow[1] * step };
  }
  if (event.key === "Delete" || event.key === "Backspace") return { kind: "delete" };
  // On a button, Enter presses the button; on the canvas it opens the text.
  if (event.key === "Enter" && onCanvas) return { kind: "editText" };
  return null;
}
