/** The editor's screen: slides on the left, the canvas with its format bar in the middle, the
 * slide's boxes (and the pictures to add) on the right, autosave's state above. */
import { useMemo, useRef, useState } from "preact/hooks";
import type { SpecStore } from "../../editor/autosave";
import type { CanvasEvents, SlideCanvas, SlideView } from "../../editor/canvas";
import * as commands from "../../editor/commands";
import { placedBox, type UploadImage } from "../../editor/images";
import { keyAction } from "../../editor/keys";
import { elementsOf, isText, type DeckSpec } from "../../editor/spec";
import { themeOf, type Theme } from "../../editor/theme";
import { t } from "../../i18n";
import type { Pictures } from "../Editor";
import { CanvasHost } from "./CanvasHost";
import { ElementList } from "./ElementList";
import { ImagePicker } from "./ImagePicker";
import { SaveStatus } from "./SaveStatus";
import { SlideList } from "./SlideList";
import { FormatBar, Toolbar } from "./Toolbar";
import { useEditor, type EditorState } from "./useEditor";

interface WorkspaceProps {
  initial: DeckSpec;
  etag: string | null;
  store: SpecStore;
  pictures: Pictures;
  reload(): void;
}

export function Workspace(props: WorkspaceProps) {
  const editor = useEditor(props.initial, props.etag, props.store);
  const theme = themeOf(editor.spec.template_id);
  const canvas = useRef<SlideCanvas | null>(null);
  const [imagesOpen, setImagesOpen] = useState(false);
  const editText = () => editor.selected !== null && canvas.current?.editText(editor.selected);
  const keys = useKeys(editor, editText);
  const stage = { editor, theme, pictures: props.pictures, canvas, keys };
  return (
    <div class="editor" onKeyDown={(event) => keys(event, false)}>
      <h1>{t("editorTitle", { title: editor.spec.title })}</h1>
      <SaveStatus state={editor.save} retry={editor.retry} reload={props.reload} />
      <Actions
        editor={editor}
        editText={editText}
        imagesOpen={imagesOpen}
        setImagesOpen={setImagesOpen}
      />
      <div class="editor-columns">
        <Slides editor={editor} theme={theme} pictures={props.pictures} />
        <div class="editor-stage">
          <FormatBar
            element={selectedText(editor)}
            theme={theme}
            editText={editText}
            change={(style) => run(editor, (slide, box) => commands.setStyle(slide, box, style))}
          />
          <Stage {...stage} />
        </div>
        <Side editor={editor} pictures={props.pictures} imagesOpen={imagesOpen} />
      </div>
    </div>
  );
}

/** Beside the canvas: the slide's boxes, and the upload's pictures when asked for. */
function Side(props: { editor: EditorState; pictures: Pictures; imagesOpen: boolean }) {
  const { editor } = props;
  return (
    <div class="editor-side">
      <ElementList
        slide={editor.spec.slides[editor.slide]}
        selected={editor.selected}
        select={editor.select}
      />
      {props.imagesOpen && <PicturePicker editor={editor} pictures={props.pictures} />}
    </div>
  );
}

function Actions(props: {
  editor: EditorState;
  editText(): void;
  imagesOpen: boolean;
  setImagesOpen(open: (was: boolean) => boolean): void;
}) {
  const { editor } = props;
  const next = elementsOf(editor.spec.slides[editor.slide]).length;
  return (
    <Toolbar
      canUndo={editor.history.undoLabel !== null}
      canRedo={editor.history.redoLabel !== null}
      hasSelection={editor.selected !== null}
      undo={editor.undo}
      redo={editor.redo}
      addText={() =>
        editor.run(commands.addTextBox(editor.slide, t("editorNewText")), { element: next })
      }
      toggleImages={() => props.setImagesOpen((open) => !open)}
      imagesOpen={props.imagesOpen}
      editText={props.editText}
      remove={() => run(editor, commands.deleteElement, { element: null })}
    />
  );
}

function Stage(props: {
  editor: EditorState;
  theme: Theme;
  pictures: Pictures;
  canvas: { current: SlideCanvas | null };
  keys(event: KeyboardEvent, onCanvas: boolean): void;
}) {
  const { editor, theme } = props;
  const slide = editor.spec.slides[editor.slide];
  const images = props.pictures.loaded;
  const view: SlideView = useMemo(
    () => ({ slide, theme, images, selected: editor.selected, textLabel: t("editorTextField") }),
    [slide, theme, images, editor.selected],
  );
  return (
    <CanvasHost
      view={view}
      events={canvasEvents(editor)}
      label={t("editorCanvas", { n: editor.slide + 1, count: editor.spec.slides.length })}
      onReady={(made) => (props.canvas.current = made)}
      onKeyDown={(event) => {
        event.stopPropagation();
        props.keys(event, true);
      }}
    />
  );
}

function PicturePicker(props: { editor: EditorState; pictures: Pictures }) {
  const { editor } = props;
  const pick = (image: UploadImage) => {
    const box = placedBox(image.width, image.height);
    const next = elementsOf(editor.spec.slides[editor.slide]).length;
    editor.run(commands.addImage(editor.slide, image.image_id, box), { element: next });
  };
  const { uploadImages, loaded } = props.pictures;
  return <ImagePicker images={uploadImages} loaded={loaded} pick={pick} />;
}

function Slides(props: { editor: EditorState; theme: Theme; pictures: Pictures }) {
  const { editor } = props;
  const { slide } = editor;
  const fresh = { element: null };
  return (
    <SlideList
      slides={editor.spec.slides}
      current={slide}
      theme={props.theme}
      images={props.pictures.loaded}
      choose={editor.selectSlide}
      add={() => editor.run(commands.addSlide(slide), { slide: slide + 1, ...fresh })}
      duplicate={() => editor.run(commands.duplicateSlide(slide), { slide: slide + 1, ...fresh })}
      remove={() =>
        editor.run(commands.deleteSlide(slide), { slide: Math.max(slide - 1, 0), ...fresh })
      }
      move={(to) => editor.run(commands.moveSlide(slide, to), { slide: to })}
    />
  );
}

function selectedText(editor: EditorState) {
  const elements = elementsOf(editor.spec.slides[editor.slide]);
  const element = editor.selected === null ? undefined : elements[editor.selected];
  return element && isText(element) ? element : null;
}

/** Runs a command on the selected box, if there is one. */
function run(
  editor: EditorState,
  command: (slide: number, index: number) => commands.Command,
  select?: { element: null },
): void {
  if (editor.selected !== null) editor.run(command(editor.slide, editor.selected), select);
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
    const overBoxes = onCanvas || target.closest(".element-list") !== null;
    if (!action || (action.kind !== "undo" && action.kind !== "redo" && !overBoxes)) return;
    if (action.kind === "undo") editor.undo();
    else if (action.kind === "redo") editor.redo();
    else if (action.kind === "nudge")
      run(editor, (slide, index) => commands.nudgeElement(slide, index, action.dx, action.dy));
    else if (action.kind === "delete") run(editor, commands.deleteElement, { element: null });
    else editText();
    event.preventDefault();
  };
}
