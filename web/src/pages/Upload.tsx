/** Upload: the limits first, then images or PDFs (picked or dropped) and their type posted to
 * the API; a refused file is named with its reason, and an accepted upload's images (a PDF's
 * pages among them) show their progress live until it finishes, with a link to the results and
 * the text as Markdown. */
import { useEffect, useState } from "preact/hooks";
import { loadConfig, type AppConfig } from "../api/config";
import { postUpload } from "../api/uploads";
import { Announced } from "../components/Announced";
import { t, type MessageKey } from "../i18n";
import { Link } from "../router";
import { useSubmit } from "../components/submitting";
import { refusalMessage } from "./failures";
import { MarkdownDownload } from "./MarkdownDownload";
import { ChosenFiles, FilePicker, withAdded } from "./UploadFiles";
import { ProgressList, useUploadProgress } from "./UploadProgress";
import { acceptedRows, isFinished, type ImageRow } from "./uploadRows";
import { formatBytes, isImageOrPdf, limitLines, refusals } from "./uploadLimits";

function Limits(props: { config: AppConfig }) {
  return (
    <section aria-labelledby="limits-title">
      <h2 id="limits-title">{t("limitsTitle")}</h2>
      <ul>
        {limitLines(props.config, t).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}

function ImageTypeField(props: { types: string[]; value: string; onChange: (t: string) => void }) {
  return (
    <label>
      {t("imageType")}
      <select
        name="image_type"
        value={props.value}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      >
        {props.types.map((type) => (
          <option key={type} value={type}>
            {t(`imageType.${type}` as MessageKey)}
          </option>
        ))}
      </select>
    </label>
  );
}

interface Accepted {
  uploadId: string;
  rows: ImageRow[];
}

/** A file name without its extension, for the Markdown's name if the API suggests none. */
function stemOf(filename: string | undefined): string {
  return (filename ?? t("appName")).replace(/\.\w+$/, "");
}

function Following(props: { accepted: Accepted }) {
  const { uploadId, rows: first } = props.accepted;
  const { rows, status } = useUploadProgress(uploadId, first);
  const lines = [t("uploadAccepted", { count: first.length, id: uploadId })];
  const outcome = t(`uploadOutcome.${status}` as MessageKey);
  if (isFinished(status)) lines.push(t("uploadStatus", { status: outcome }));
  return (
    <section aria-labelledby="progress-title">
      <h2 id="progress-title">{t("progressTitle")}</h2>
      <Announced role="status" lines={lines} />
      <ProgressList uploadId={uploadId} rows={rows} />
      {isFinished(status) && (
        <p class="actions">
          <Link href={`/uploads/${uploadId}`}>{t("seeResults")}</Link>
          <MarkdownDownload uploadId={uploadId} fallbackName={stemOf(first[0]?.filename)} />
        </p>
      )}
    </section>
  );
}

/** The one file the API named in its refusal, and why. */
type Refused = { name: string; why: string } | null;

/** The chosen files and the post of them; a refusal naming a file marks that file. */
function useUploadForm(config: AppConfig, onAccepted: (accepted: Accepted) => void) {
  const [files, setFiles] = useState<File[]>([]);
  const [imageType, setImageType] = useState("mixed-printed");
  const [refused, setRefused] = useState<Refused>(null);
  const submit = useSubmit(async () => {
    setRefused(null);
    const { data, error, response } = await postUpload(files, imageType);
    if (error === undefined) {
      onAccepted({ uploadId: data.upload_id, rows: acceptedRows(data.images) });
      setFiles([]);
      return null;
    }
    const named = (error as { filename?: string }).filename;
    const unnamed = { ...(error as object), filename: undefined };
    if (named) setRefused({ name: named, why: refusalMessage(unnamed, response.status, t) });
    return refusalMessage(error, response.status, t);
  });
  const refusedBecause = (file: File) =>
    file.size > config.max_image_bytes
      ? t("fileTooLargeShort", { size: formatBytes(config.max_image_bytes) })
      : !isImageOrPdf(file)
        ? t("notImageOrPdfShort")
        : refused?.name === file.name
          ? refused.why
          : null;
  return { files, setFiles, imageType, setImageType, refusedBecause, ...submit };
}

function UploadForm(props: { config: AppConfig; onAccepted: (accepted: Accepted) => void }) {
  const form = useUploadForm(props.config, props.onAccepted);
  const tooMany = refusals(form.files, props.config, t);
  return (
    <form onSubmit={form.onSubmit}>
      <ImageTypeField
        types={props.config.image_types}
        value={form.imageType}
        onChange={form.setImageType}
      />
      <FilePicker onAdd={(added) => form.setFiles((before) => withAdded(before, added))} />
      <ChosenFiles
        files={form.files}
        refusedBecause={form.refusedBecause}
        onRemove={(file) => form.setFiles((before) => before.filter((other) => other !== file))}
      />
      <button type="submit" disabled={form.busy || form.files.length === 0 || tooMany.length > 0}>
        {form.busy ? t("working") : t("uploadSubmit")}
      </button>
      <Announced role="alert" lines={[...tooMany, form.error]} />
    </form>
  );
}

export function UploadPage() {
  const [config, setConfig] = useState<AppConfig | null>(null);
  const [failed, setFailed] = useState(false);
  const [accepted, setAccepted] = useState<Accepted | null>(null);
  useEffect(() => {
    loadConfig().then(setConfig, () => setFailed(true));
  }, []);
  return (
    <section>
      <h1>{t("uploadTitle")}</h1>
      {failed && <p role="alert" class="error">{t("networkError")}</p>}
      {config && <Limits config={config} />}
      {config && <UploadForm config={config} onAccepted={setAccepted} />}
      {accepted && <Following key={accepted.uploadId} accepted={accepted} />}
    </section>
  );
}
