/** The editor's state for the view: the spec through its history (every change a command),
 * autosaved after each change, and which slide and box are selected. */
import { useEffect, useMemo, useState } from "preact/hooks";
import { Autosaver, type SaveState, type SpecStore } from "../../editor/autosave";
import type { Command } from "../../editor/commands";
import { History } from "../../editor/history";
import { elementsOf, type DeckSpec } from "../../editor/spec";

export interface EditorState {
  spec: DeckSpec;
  slide: number;
  selected: number | null;
  save: SaveState;
  history: History;
  saver: Autosaver;
  run(command: Command, select?: { slide?: number; element?: number | null }): void;
  undo(): void;
  redo(): void;
  /** Sends a failed save again. */
  retry(): void;
  selectSlide(index: number): void;
  select(index: number | null): void;
}

export function useEditor(initial: DeckSpec, etag: string | null, store: SpecStore): EditorState {
  const [spec, setSpec] = useState(initial);
  const [save, setSave] = useState<SaveState>({ kind: "saved" });
  const [slideChoice, setSlide] = useState(0);
  const [selectedChoice, setSelected] = useState<number | null>(null);
  const history = useMemo(() => new History(initial), [initial]);
  const saver = useMemo(() => new Autosaver(store, etag, setSave), [store, etag]);
  useUnsavedGuard(saver);

  const show = (next: DeckSpec) => {
    if (next === spec) return;
    setSpec(next);
    saver.changed(next);
  };
  // Undo may remove the slide or box that was selected.
  const slide = Math.min(slideChoice, spec.slides.length - 1);
  const count = elementsOf(spec.slides[slide]).length;
  const selected = selectedChoice !== null && selectedChoice < count ? selectedChoice : null;
  return {
    spec,
    slide,
    selected,
    save,
    history,
    saver,
    run(command, choose = {}) {
      show(history.run(command));
      if (choose.slide !== undefined) setSlide(choose.slide);
      if (choose.element !== undefined) setSelected(choose.element);
    },
    undo: () => show(history.undo()),
    retry: () => void saver.flush(),
    redo: () => show(history.redo()),
    selectSlide(index) {
      setSlide(index);
      setSelected(null);
    },
    select: setSelected,
  };
}

/** Saves what is pending when the editor closes, and asks before leaving the page unsaved. */
function useUnsavedGuard(saver: Autosaver): void {
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (saver.current.kind !== "saved") event.preventDefault();
    };
    addEventListener("beforeunload", warn);
    return () => {
      removeEventListener("beforeunload", warn);
      void saver.flush();
    };
  }, [saver]);
}
