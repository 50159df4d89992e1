/** Upload: the limits first, then images and their type posted to the API; the API's refusal
 * or the accepted upload (and how it finished) is said in a live region. */
import { useEffect, useState } from "preact/hooks";
import { loadConfig, type AppConfig } from "../api/config";
import { problemMessage } from "../api/problems";
import { postUpload, waitForUpload } from "../api/uploads";
import { t, type MessageKey } from "../i18n";
import { attempt } from "./attempt";
import { limitLines, refusals } from "./uploadLimits";

const WAIT_SECONDS = 60;

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

async function send(files: File[], imageType: string, report: (line: string) => void) {
  const { data, error, response } = await postUpload(files, imageType);
  if (error !== undefined) return problemMessage(error, response.status, t);
  const uploadId = data.upload_id ?? "";
  report(t("uploadAccepted", { count: files.length, id: uploadId }));
  const finished = await waitForUpload(uploadId, WAIT_SECONDS);
  report(t("uploadStatus", { status: finished.data?.status ?? response.status }));
  return null;
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

/** Lines in a region that screen readers announce when it changes (alert or status). */
function Announced(props: { role: "alert" | "status"; lines: (string | null)[] }) {
  return (
    <div role={props.role} class={props.role === "alert" ? "error" : "notice"}>
      {props.lines.filter(Boolean).map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  );
}

function UploadForm(props: { config: AppConfig }) {
  const [files, setFiles] = useState<File[]>([]);
  const [imageType, setImageType] = useState("mixed-printed");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<string[]>([]);
  const refused = refusals(files, props.config, t);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setProgress([]);
    const report = (line: string) => setProgress((lines) => [...lines, line]);
    setError(await attempt(() => send(files, imageType, report)));
    setBusy(false);
  };

  return (
    <form onSubmit={onSubmit}>
      <ImageTypeField types={props.config.image_types} value={imageType} onChange={setImageType} />
      <label>
        {t("chooseImages")}
        <input
          name="images"
          type="file"
          accept="image/*"
          multiple
          required
          onChange={(event) => setFiles(Array.from(event.currentTarget.files ?? []))}
        />
      </label>
      <button type="submit" disabled={busy || refused.length > 0}>
        {busy ? t("working") : t("uploadSubmit")}
      </button>
      <Announced role="alert" lines={[...refused, error]} />
      <Announced role="status" lines={progress} />
    </form>
  );
}

export function UploadPage() {
  const [config, setConfig] = useState<AppConfig | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    loadConfig().then(setConfig, () => setFailed(true));
  }, []);
  return (
    <section>
      <h1>{t("uploadTitle")}</h1>
      {failed && <p role="alert" class="error">{t("networkError")}</p>}
      {config && <Limits config={config} />}
      {config && <UploadForm config={config} />}
    </section>
  );
}
