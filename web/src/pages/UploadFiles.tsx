/** The files chosen for an upload (images, and PDFs whose pages the API makes images of): picked
 * with the file input or dropped on it, each listed with its size, a remove button, and why it
 * is refused if it is. */
import { useState } from "preact/hooks";
import { t } from "../i18n";
import { formatBytes } from "./uploadLimits";

/** Files added to those already chosen; the same file (name, size, date) is not added twice. */
export function withAdded(files: readonly File[], added: readonly File[]): File[] {
  const id = (file: File) => `${file.name}/${file.size}/${file.lastModified}`;
  const seen = new Set(files.map(id));
  return [...files, ...added.filter((file) => !seen.has(id(file)))];
}

// `.pdf` besides the type: some systems name no type for a PDF, and the picker would hide it.
export const ACCEPT = "image/*,application/pdf,.pdf";

export function FilePicker(props: { onAdd: (files: File[]) => void }) {
  const [over, setOver] = useState(false);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    props.onAdd(Array.from(event.dataTransfer?.files ?? []));
  };
  const onDragOver = (event: DragEvent) => {
    event.preventDefault(); // without it the browser opens the file instead of dropping it
    setOver(true);
  };
  return (
    <div
      class={over ? "dropzone over" : "dropzone"}
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <label>
        {t("chooseImages")}
        <input
          name="images"
          type="file"
          accept={ACCEPT}
          multiple
          aria-describedby="drop-hint"
          onChange={(event) => {
            props.onAdd(Array.from(event.currentTarget.files ?? []));
            event.currentTarget.value = ""; // so the same file can be chosen again after removal
          }}
        />
      </label>
      <p id="drop-hint" class="hint">
        {t("dropHint")}
      </p>
    </div>
  );
}

export function ChosenFiles(props: {
  files: readonly File[];
  refusedBecause: (file: File) => string | null;
  onRemove: (file: File) => void;
}) {
  if (props.files.length === 0) return null;
  return (
    <ul class="files" aria-label={t("chosenFiles", { count: props.files.length })}>
      {props.files.map((file) => {
        const why = props.refusedBecause(file);
        return (
          <li key={`${file.name}/${file.size}/${file.lastModified}`} class={why ? "refused" : ""}>
            <span>{file.name}</span> <span class="hint">{formatBytes(file.size)}</span>
            {why && <span class="error"> {why}</span>}
            <button type="button" class="link" onClick={() => props.onRemove(file)}>
              {t("removeFile", { name: file.name })}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
