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

function UploadForm(props: { config: AppConfig }) {
  const { config } = props;
  const [files, setFiles] = useState<File[]>([]);
  const [imageType, setImageType] = useState("mixed-printed");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<string[]>([]);
  const refused = refusals(files, config, t);

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
      <label>
        {t("imageType")}
        <select
          name="image_type"
          value={imageType}
          onChange={(event) => setImageType(event.currentTarget.value)}
        >
          {config.image_types.map((type) => (
            <option key={type} value={type}>
              {t(`imageType.${type}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
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
      <div role="alert" class="error">
        {[...refused, error].filter(Boolean).map((line) => (
          <p key={line}>{line}</p>
        ))}
      </div>
      <div role="status" class="notice">
        {progress.map((line) => (
          <p key={line}>{line}</p>
        ))}
      </div>
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
