/** "Download my data": the export (`GET /v1/me/export`, a zip streamed by the API) fetched with
 * the token, read with a running count of the bytes received, and saved under the name the API
 * gives. Leaving the page stops the download. */
import { useEffect, useRef, useState } from "preact/hooks";
import { askExport, exportFilename, readWithProgress } from "../api/account";
import { saveAs } from "../api/blobs";
import { t } from "../i18n";
import { sizeInWords } from "./accountChecks";
import { attempt } from "./attempt";
import { refusalMessage } from "./failures";

const RELEASE_URL_MS = 60_000;

export function DataExport() {
  const [busy, setBusy] = useState(false);
  const [received, setReceived] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);

  const download = async () => {
    const controller = new AbortController();
    running.current = controller;
    setBusy(true);
    setReceived(0);
    setError(null);
    setStatus(t("exportPreparing"));
    const refusal = await attempt(async () => {
      const { data, error, response } = await askExport(controller.signal);
      if (error !== undefined || !data) return refusalMessage(error, response.status, t);
      const type = response.headers.get("Content-Type") ?? "application/zip";
      const blob = await readWithProgress(data, type, setReceived);
      const name = exportFilename(response.headers.get("Content-Disposition"));
      const url = URL.createObjectURL(blob);
      saveAs(url, name);
      setTimeout(() => URL.revokeObjectURL(url), RELEASE_URL_MS);
      setStatus(t("exportSaved", { name }));
      return null;
    });
    if (controller.signal.aborted) return; // the page was left
    setBusy(false);
    if (refusal !== null) {
      setStatus(null);
      setError(refusal);
    }
  };

  return (
    <div class="account-form">
      <div class="actions">
        <button type="button" onClick={download} disabled={busy}>
          {busy ? t("working") : t("exportSubmit")}
        </button>
        {busy && (
          <>
            <progress aria-label={t("exportProgress")} />
            <span>{t("exportReceived", { size: sizeInWords(received) })}</span>
          </>
        )}
      </div>
      <p role="status" class="notice">
        {status}
      </p>
      <p role="alert" class="error">
        {error}
      </p>
    </div>
  );
}
