/** An accepted upload's images, each with its thumbnail once stored (and "p. N" if it is a
 * PDF's page) and its progress live from the event stream; a failed image says why. */
import { useEffect, useState } from "preact/hooks";
import { followUpload } from "../api/uploadEvents";
import { imageUrl } from "../api/uploads";
import { AuthImage } from "../components/AuthImage";
import { PageTag } from "../components/PageTag";
import { t, type MessageKey } from "../i18n";
import { failureMessage } from "./failures";
import { nameWithPage, rowsFrom, STEPS, step, type ImageRow } from "./uploadRows";

/** The rows and the upload's status, updated from the stream until the upload is finished. */
export function useUploadProgress(uploadId: string, accepted: ImageRow[]) {
  const [rows, setRows] = useState(accepted);
  const [status, setStatus] = useState("processing");
  useEffect(() => {
    const stop = new AbortController();
    const onProgress = (progress: Parameters<typeof rowsFrom>[0]) => {
      setRows((before) => rowsFrom(progress, before));
      setStatus(progress.status);
    };
    followUpload(uploadId, onProgress, stop.signal).catch(() => undefined);
    return () => stop.abort();
  }, [uploadId]);
  return { rows, status };
}

function Row(props: { uploadId: string; row: ImageRow }) {
  const { uploadId, row } = props;
  const name = nameWithPage(row.filename, row.page, t);
  return (
    <li class={`image-row ${row.status}`}>
      {row.stored ? (
        <AuthImage
          class="thumb"
          alt={t("thumbnailOf", { name })}
          cacheKey={row.imageId}
          load={() => imageUrl(uploadId, row.imageId, "thumbnail")}
        />
      ) : (
        <span class="thumb placeholder" aria-hidden="true" />
      )}
      <span class="name">
        {row.filename} <PageTag page={row.page} />
      </span>
      <progress max={STEPS} value={step(row.status)} aria-label={name} />
      <span class={row.status === "failed" ? "error" : ""}>
        {t(`imageStatus.${row.status}` as MessageKey)}
        {row.status === "failed" && `: ${failureMessage(row.code, row.reason ?? "", t)}`}
      </span>
    </li>
  );
}

export function ProgressList(props: { uploadId: string; rows: ImageRow[] }) {
  return (
    <ol class="progress-list" aria-label={t("progressTitle")}>
      {props.rows.map((row) => (
        <Row key={row.imageId} uploadId={props.uploadId} row={row} />
      ))}
    </ol>
  );
}
