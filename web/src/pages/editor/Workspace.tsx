/** The editor's screen: slides on the left, the canvas with its format bar in the middle, the
 * slide's boxes (and the pictures to add) on the right, autosave's state above. */
import { useMemo, useRef, useState } from "preact/hooks";
import type { SpecStore } from "../../editor/autosave";
import type { CanvasEvents, SlideCanvas } from "../../editor/canvas";
import * as commands from "../../editor/commands";
import { placedBox, type UploadImage } from "../../editor/images";
import { keyAction } from "../../editor/keys";
import { elementsOf, isText, type DeckSpec } from "../../editor/spec";
import { themeOf } from "../../editor/theme";
import { t } from "../../i18n";
import type { Pictures } from "../Editor";
import { CanvasHost } from "./CanvasHost";
import { ElementList } from "./ElementList";
import { ImagePicker } from "./ImagePicker";
import { SaveStatus } from "./SaveStatus";
import { SlideList } from "./SlideList";
import { FormatBar, Toolbar } from "./Toolbar";
import { useEditor, type EditorState } from "./useEditor";

export function Workspace(props: {
  initial: DeckSpec;
  etag: string | null;
  store: SpecStore;
  pictures: Pictures;
  reload(): void;
}) {
  const editor = useEditor(props.initial, props.etag, props.store);
  const { spec, slide, selected } = editor;
  const theme = themeOf(spec.template_id);
  const canvas = useRef<SlideCanvas | null>(null);
  const [imagesOpen, setImagesOpen] = useState(false);
  const element = selected === null ? undefined : elementsOf(spec.slides[slide])[selected];
  const view = useMemo(
    () => ({ slide: spec.slides[slide], theme, images: props.pictures.loaded, selected, textLabel: t("editorTextField") }),
    [spec.slides[slide], theme, props.pictures.loaded, selected],
  );
  const editText = () => selected !== null && canvas.current?.editText(selected);
  const onKeyDown = useKeys(editor, editText);
  const addPicture = (image: UploadImage) =>
    editor.run(commands.addImage(slide, image.image_id, placedBox(image.width, image.height)), {
      element: elementsOf(spec.slides[slide]).length,
    });

  return (
    <div class="editor" onKeyDown={(event) => onKeyDown(event, false)}>
      <h1>{t("editorTitle", { title: spec.title })}</h1>
      <SaveStatus state={editor.save} retry={() => void editor.saver.flush()} reload={props.reload} />
      <Toolbar
        canUndo={editor.history.undoLabel !== null}
        canRedo={editor.history.redoLabel !== null}
        hasSelection={selected !== null}
        undo={editor.undo}
        redo={editor.redo}
        addText={() => editor.run(commands.addTextBox(slide, t("editorNewText")), { element: elementsOf(spec.slides[slide]).length })}
        toggleImages={() => setImagesOpen((open) => !open)}
        imagesOpen={imagesOpen}
        editText={editText}
        remove={() => selected !== null && editor.run(commands.deleteElement(slide, selected), { element: null })}
      />
      <div class="editor-columns">
        <Slides editor={editor} theme={theme} pictures={props.pictures} />
        <div class="editor-stage">
          <FormatBar
            element={element && isText(element) ? element : null}
            theme={theme}
            editText={editText}
            change={(style) => selected !== null && editor.run(commands.setStyle(slide, selected, style))}
          />
          <CanvasHost
            view={view}
            events={canvasEvents(editor)}
            label={t("editorCanvas", { n: slide + 1, count: spec.slides.length })}
            onReady={(made) => (canvas.current = made)}
            onKeyDown={(event) => {
              event.stopPropagation();
              onKeyDown(event, true);
            }}
          />
        </div>
        <div class="editor-side">
          <ElementList slide={spec.slides[slide]} selected={selected} select={editor.select} />
          {imagesOpen && (
            <ImagePicker images={props.pictures.uploadImages} loaded={props.pictures.loaded} pick={addPicture} />
          )}
        </div>
      </div>
    </div>
  );
}

function Slides(props: { editor: EditorState; theme: ReturnType<typeof themeOf>; pictures: Pictures }) {
  const { editor } = props;
  const { slide } = editor;
  return (
    <SlideList
      slides={editor.spec.slides}
      current={slide}
      theme={props.theme}
      images={props.pictures.loaded}
      choose={editor.selectSlide}
      add={() => editor.run(commands.addSlide(slide), { slide: slide + 1, element: null })}
      duplicate={() => editor.run(commands.duplicateSlide(slide), { slide: slide + 1, element: null })}
      remove={() => editor.run(commands.deleteSlide(slide), { slide: Math.max(slide - 1, 0), element: null })}
      move={(to) => editor.run(commands.moveSlide(slide, to), { slide: to })}
    />
  );
}

function canvasEvents(editor: EditorState): CanvasEvents {
  const { slide } = editor;
  return {
    select: editor.select,
    moved: (index, box) => editor.run(commands.moveElement(slide, index, box)),
    resized: (index, box) => editor.run(commands.resizeElement(slide, index, box)),
    textEdited: (index, text) => editor.run(commands.setText(slide, index, text)),
  };
}

/** Keys over the slide: undo/redo anywhere but in a field; nudging, deleting and editing the
 * selected box from the canvas or the list of boxes. */
function useKeys(editor: EditorState, editText: () => void) {
  return (event: KeyboardEvent, onCanvas: boolean) => {
    const target = event.target as HTMLElement;
    if (target.closest("input, select, textarea")) return;
    const action = keyAction(event, onCanvas);
    if (!action) return;
    const { slide, selected } = editor;
    const overBoxes = onCanvas || target.closest(".element-list") !== null;
    if (action.kind === "undo") editor.undo();
    else if (action.kind === "redo") editor.redo();
    else if (selected === null || !overBoxes) return;
    else if (action.kind === "nudge") editor.run(commands.nudgeElement(slide, selected, action.dx, action.dy));
    else if (action.kind === "delete") editor.run(commands.deleteElement(slide, selected), { element: null });
    else editText();
    event.preventDefault();
  };
}
