/** The editor's buttons: undo and redo, adding and removing boxes, and the selected text box's
 * font, size, bold/italic/underline, colour and alignment (each a change of the spec's fields). */
import { DEFAULT_SIZE_POINTS } from "../../editor/geometry";
import type { Alignment, TextElement, TextStyle } from "../../editor/spec";
import { FONTS, type Theme } from "../../editor/theme";
import { t, type MessageKey } from "../../i18n";

const ALIGNMENTS: Alignment[] = ["left", "center", "right", "justify"];

export interface ToolbarProps {
  canUndo: boolean;
  canRedo: boolean;
  hasSelection: boolean;
  undo(): void;
  redo(): void;
  addText(): void;
  toggleImages(): void;
  imagesOpen: boolean;
  editText(): void;
  remove(): void;
}

export function Toolbar(props: ToolbarProps) {
  return (
    <div class="editor-actions">
      <button type="button" disabled={!props.canUndo} onClick={props.undo}>
        {t("editorUndo")}
      </button>
      <button type="button" disabled={!props.canRedo} onClick={props.redo}>
        {t("editorRedo")}
      </button>
      <button type="button" onClick={props.addText}>{t("editorAddText")}</button>
      <button type="button" aria-expanded={props.imagesOpen} onClick={props.toggleImages}>
        {t("editorAddImage")}
      </button>
      <button type="button" disabled={!props.hasSelection} onClick={props.remove}>
        {t("editorDeleteElement")}
      </button>
    </div>
  );
}

/** What the format bar shows when no text box is selected (its controls are then disabled). */
const NOTHING: TextElement = {
  type: "text",
  text: "",
  x: 0,
  y: 0,
  w: 1,
  h: 1,
  bold: false,
  italic: false,
  underline: false,
  align: "left",
};

interface FormatProps {
  element: TextElement;
  theme: Theme;
  change(style: Partial<TextStyle>): void;
}

/** The selected text box's format; every control changes the box at once. The bar stays in place
 * (disabled) without a text box, so selecting one does not move the canvas under the pointer. */
export function FormatBar(props: {
  element: TextElement | null;
  theme: Theme;
  editText(): void;
  change(style: Partial<TextStyle>): void;
}) {
  const format = { ...props, element: props.element ?? NOTHING };
  const { element, change } = format;
  return (
    <fieldset class="format-bar" disabled={props.element === null}>
      <legend class="visually-hidden">{t("editorToolbar")}</legend>
      <button type="button" onClick={props.editText}>{t("editorEditText")}</button>
      <FontField {...format} />
      <SizeField {...format} />
      <Toggle label="editorBold" on={element.bold} flip={() => change({ bold: !element.bold })} />
      <Toggle
        label="editorItalic"
        on={element.italic}
        flip={() => change({ italic: !element.italic })}
      />
      <Toggle
        label="editorUnderline"
        on={element.underline}
        flip={() => change({ underline: !element.underline })}
      />
      <ColorField {...format} />
      <AlignField {...format} />
    </fieldset>
  );
}

function FontField({ element, theme, change }: FormatProps) {
  const fonts = element.font && !FONTS.includes(element.font) ? [...FONTS, element.font] : FONTS;
  return (
    <label>
      {t("editorFont")}
      <select
        value={element.font ?? ""}
        onChange={(event) => change({ font: event.currentTarget.value || undefined })}
      >
        <option value="">{t("editorTemplateFont", { font: theme.font })}</option>
        {fonts.map((font) => (
          <option key={font} value={font}>{font}</option>
        ))}
      </select>
    </label>
  );
}

function SizeField({ element, change }: FormatProps) {
  return (
    <label>
      {t("editorSize")}
      <input
        type="number"
        min={1}
        max={400}
        step={1}
        value={element.size ?? DEFAULT_SIZE_POINTS}
        onChange={(event) => {
          const size = Number(event.currentTarget.value);
          if (size >= 1 && size <= 400) change({ size });
        }}
      />
    </label>
  );
}

function ColorField({ element, theme, change }: FormatProps) {
  return (
    <label>
      {t("editorColor")}
      <input
        type="color"
        value={(element.color ?? theme.text).toLowerCase()}
        onChange={(event) => change({ color: event.currentTarget.value.toUpperCase() })}
      />
    </label>
  );
}

function AlignField({ element, change }: FormatProps) {
  return (
    <label>
      {t("editorAlign")}
      <select
        value={element.align}
        onChange={(event) => change({ align: event.currentTarget.value as Alignment })}
      >
        {ALIGNMENTS.map((align) => (
          <option key={align} value={align}>{t(`editorAlign.${align}` as MessageKey)}</option>
        ))}
      </select>
    </label>
  );
}

function Toggle(props: { label: MessageKey; on: boolean; flip(): void }) {
  return (
    <button type="button" class="toggle" aria-pressed={props.on} onClick={props.flip}>
      {t(props.label)}
    </button>
  );
}
