/** Results: each image of an upload with its OCR boxes over it (toggle), its text beside it
 * with doubtful words marked and lines correctable, copy-all, the text as Markdown once read,
 * and drafting a deck. */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { waitForUpload, type Upload, type UploadImage } from "../api/uploads";
import { Announced } from "../components/Announced";
import { t, type MessageKey } from "../i18n";
import { DraftForm } from "./DraftForm";
import { MarkdownDownload } from "./MarkdownDownload";
import { allText, isLineOf } from "./ocrLines";
import { ResultImage } from "./ResultImage";

const WAIT_SECONDS = 60;

type Loaded = Upload | "missing" | "unreachable" | null;

/** The upload as it stands, then asked again with `?wait` while its images are being read; and
 * `reread`, for an image sent to be read again: shown as being read at once, and the upload
 * followed again until it settles. */
function useUpload(uploadId: string): [Loaded, (image: UploadImage) => void] {
  const [upload, setUpload] = useState<Loaded>(null);
  const [round, setRound] = useState(0);
  const reread = (image: UploadImage) => {
    setUpload((before) =>
      typeof before === "object" && before !== null
        ? { ...before, status: "processing", images: before.images.map(replacing(image)) }
        : before,
    );
    setRound((n) => n + 1);
  };
  useEffect(() => {
    let live = true;
    const follow = async (wait: number): Promise<void> => {
      const { data, response } = await waitForUpload(uploadId, wait);
      if (!live) return;
      setUpload(data ?? (response.status === 404 ? "missing" : "unreachable"));
      if (data?.status === "processing") return follow(WAIT_SECONDS);
    };
    follow(0).catch(() => live && setUpload("unreachable"));
    return () => {
      live = false;
    };
  }, [uploadId, round]);
  return [upload, reread];
}

/** The image's new detail in place of the old, the rest of the list as it was. */
function replacing(image: UploadImage) {
  return (before: UploadImage) =>
    before.image_id === image.image_id ? { ...before, ...image } : before;
}

function Toolbar(props: {
  showBoxes: boolean;
  onBoxes: (show: boolean) => void;
  text: string;
  /** Said beside "copied" (one status region per page). */
  notice: string | null;
  children?: ComponentChildren;
}) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(props.text).then(
      () => setCopied(t("copied")),
      () => setCopied(t("copyFailed")),
    );
  return (
    <div class="toolbar">
      <label class="check">
        <input
          type="checkbox"
          checked={props.showBoxes}
          onChange={(e) => props.onBoxes(e.currentTarget.checked)}
        />
        {t("showBoxes")}
      </label>
      <button type="button" onClick={copy}>
        {t("copyAll")}
      </button>
      {props.children}
      <Announced role="status" lines={[copied, props.notice]} />
    </div>
  );
}

/** The person's corrected lines by `lineKey`; a null text withdraws a correction. */
function useCorrections() {
  const [corrections, setCorrections] = useState<ReadonlyMap<string, string>>(new Map());
  const correct = (key: string, text: string | null) =>
    setCorrections((before) => {
      const after = new Map(before);
      if (text === null) after.delete(key);
      else after.set(key, text);
      return after;
    });
  // An image read again has new lines: corrections of its old ones no longer apply.
  const forget = (imageId: string) =>
    setCorrections((before) => new Map([...before].filter(([key]) => !isLineOf(key, imageId))));
  return [corrections, correct, forget] as const;
}

export function ResultsPage(props: { uploadId: string }) {
  const [upload, reread] = useUpload(props.uploadId);
  const [showBoxes, setShowBoxes] = useState(true);
  const [corrections, correct, forget] = useCorrections();
  const [rereading, setRereading] = useState<string | null>(null);
  const onReread = (image: UploadImage) => {
    forget(image.image_id);
    reread(image);
    setRereading(t("rereading", { name: image.original_filename ?? image.filename }));
  };
  if (upload === null) return <p role="status">{t("loading")}</p>;
  if (upload === "missing") return <p role="alert">{t("uploadMissing")}</p>;
  if (upload === "unreachable") return <p role="alert">{t("networkError")}</p>;
  const first = upload.images[0];
  const name = first?.original_filename ?? first?.filename ?? t("appName");
  const stem = name.replace(/\.\w+$/, "");
  return (
    <section>
      <h1>{t("resultsTitle")}</h1>
      <p>{t("uploadStatus", { status: t(`uploadState.${upload.status}` as MessageKey) })}</p>
      <Toolbar
        showBoxes={showBoxes}
        onBoxes={setShowBoxes}
        text={allText(upload.images, corrections)}
        notice={upload.status === "processing" ? rereading : null}
      >
        {upload.status !== "processing" && (
          <MarkdownDownload uploadId={upload.upload_id} fallbackName={stem} />
        )}
      </Toolbar>
      {upload.images.map((image) => (
        <ResultImage
          key={image.image_id}
          uploadId={upload.upload_id}
          image={image}
          showBoxes={showBoxes}
          corrections={corrections}
          onCorrect={correct}
          settled={upload.status !== "processing"}
          onReread={onReread}
        />
      ))}
      <DraftForm
        uploadId={upload.upload_id}
        images={upload.images}
        corrections={corrections}
        defaultTitle={stem}
      />
    </section>
  );
}
