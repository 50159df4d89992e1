/** The upload's text as a Markdown file (one section per image), saved under the name the API
 * suggests; a refusal (e.g. still being read) is said in words. */
import { useState } from "preact/hooks";
import { dispositionFilename, saveAs } from "../api/blobs";
import { askUploadMarkdown } from "../api/exports";
import { t } from "../i18n";
import { attempt } from "./attempt";
import { refusalMessage } from "./failures";

const RELEASE_URL_MS = 60_000;

async function saveMarkdown(uploadId: string, fallbackName: string): Promise<string | null> {
  const { data, error, response } = await askUploadMarkdown(uploadId);
  if (error !== undefined || !(data instanceof Blob)) {
    return refusalMessage(error, response.status, t);
  }
  const url = URL.createObjectURL(data);
  const named = dispositionFilename(response.headers.get("Content-Disposition"));
  saveAs(url, named ?? `${fallbackName}.md`);
  setTimeout(() => URL.revokeObjectURL(url), RELEASE_URL_MS);
  return null;
}

export function MarkdownDownload(props: { uploadId: string; fallbackName: string }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setProblem(null);
    setProblem(await attempt(() => saveMarkdown(props.uploadId, props.fallbackName)));
    setBusy(false);
  };
  return (
    <span class="download-action">
      <button type="button" class="secondary" onClick={download} disabled={busy}>
        {t("downloadMarkdown")}
      </button>
      <span aria-live="polite" class="error">
        {problem}
      </span>
    </span>
  );
}
