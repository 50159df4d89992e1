/** In-place text editing: a DOM textarea laid exactly over the text box while it is edited, so
 * the browser's own input (Korean IME composition included) does the typing. */
import { LINE_HEIGHT, type Box } from "./geometry";
import type { TextLook } from "./nodes";

export interface TextEditing {
  area: Box;
  look: TextLook;
  background: string;
  text: string;
  label: string;
  /** Called once: with the new text, or null when the person cancelled (Escape). */
  done(text: string | null): void;
}

/** Opens the textarea in `host` (the canvas's positioned wrapper) and focuses it. */
export function editTextInPlace(host: HTMLElement, editing: TextEditing): HTMLTextAreaElement {
  const field = document.createElement("textarea");
  field.value = editing.text;
  field.setAttribute("aria-label", editing.label);
  field.className = "slide-text-editor";
  Object.assign(field.style, fieldStyle(editing));
  let finished = false;
  const finish = (text: string | null) => {
    if (finished) return;
    finished = true;
    field.remove();
    editing.done(text);
  };
  field.addEventListener("blur", () => finish(field.value));
  field.addEventListener("keydown", (event) => {
    // Keys pressed while the IME composes a syllable belong to the IME.
    if (event.isComposing) return;
    event.stopPropagation();
    if (event.key === "Escape") finish(null);
    else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) finish(field.value);
  });
  host.appendChild(field);
  field.focus();
  field.select();
  return field;
}

function fieldStyle(editing: TextEditing): Partial<CSSStyleDeclaration> {
  const { area, look } = editing;
  return {
    position: "absolute",
    left: `${area.x}px`,
    top: `${area.y}px`,
    width: `${area.w}px`,
    height: `${Math.max(area.h, look.fontSizePx * LINE_HEIGHT)}px`,
    margin: "0",
    padding: "0",
    border: "none",
    outline: "2px solid #f0a400",
    resize: "none",
    overflow: "hidden",
    background: editing.background,
    color: look.color,
    fontFamily: look.fontFamily,
    fontSize: `${look.fontSizePx}px`,
    fontWeight: look.bold ? "700" : "400",
    fontStyle: look.italic ? "italic" : "normal",
    textDecoration: look.underline ? "underline" : "none",
    textAlign: look.align,
    lineHeight: String(LINE_HEIGHT),
  };
}
