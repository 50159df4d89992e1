/** One read image on the results page (headed "p. N" too when it is a PDF's page): the image
 * with its OCR boxes over it (when shown), and beside it its lines, doubtful words marked, each
 * correctable in place. A photo's page corners can be adjusted, and the photo read again. */
import type { Ref } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { capturedPage, cornersAdjustable, pageLink, pageUrl } from "../api/pages";
import { imageUrl, type UploadImage } from "../api/uploads";
import { useObjectUrl } from "../components/AuthImage";
import { PageTag } from "../components/PageTag";
import { t, type MessageKey } from "../i18n";
import { CornerEditor } from "./CornerEditor";
import { failureMessage } from "./failures";
import { boxStyle, lineKey, linesOf, markedWords, type Corrections, type Line } from "./ocrLines";
import { nameWithPage, pageOf } from "./uploadRows";

/** What the boxes are drawn over: the page the capture step made of a photo when there is one
 * (its boxes are fractions of the page, not of the photo), else the image as stored. The page's
 * link changes each time it is made again, so a new page is fetched, not an old one kept. */
function shownImage(uploadId: string, image: UploadImage) {
  const page = capturedPage(image);
  const link = pageLink(image);
  if (page && link) {
    return {
      key: link,
      load: () => pageUrl(uploadId, image.image_id, link),
      room: `${page.width} / ${page.height}`,
    };
  }
  return {
    key: image.image_id,
    load: () => imageUrl(uploadId, image.image_id, "original"),
    // The stored size keeps the image's room while it loads.
    room: image.width && image.height ? `${image.width} / ${image.height}` : "4 / 3",
  };
}

function Overlaid(props: { uploadId: string; image: UploadImage; showBoxes: boolean }) {
  const { uploadId, image } = props;
  const shown = shownImage(uploadId, image);
  const url = useObjectUrl(shown.load, shown.key);
  // The boxes wait for the image.
  return (
    <div class="overlaid" style={{ aspectRatio: shown.room }}>
      {url && (
        <img
          class="page-image"
          src={url}
          alt={t("imageOf", { name: nameWithPage(displayName(image), pageOf(image), t) })}
        />
      )}
      {url &&
        props.showBoxes &&
        linesOf(image).map((line, index) => (
          <span key={index} class="ocr-box" style={boxStyle(line.bbox)} aria-hidden="true" />
        ))}
    </div>
  );
}

function displayName(image: UploadImage): string {
  return image.original_filename ?? image.filename;
}

/** The heading of an image: its name, and "p. N" when it is a PDF's page. Focusable from
 * script (`tabIndex` -1): the focus goes there when the image is sent to be read again. */
function Heading(props: { image: UploadImage; heading: Ref<HTMLHeadingElement> }) {
  return (
    <h2 ref={props.heading} tabIndex={-1}>
      {displayName(props.image)} <PageTag page={pageOf(props.image)} />
    </h2>
  );
}

function Marked(props: { line: Line }) {
  return (
    <span>
      {markedWords(props.line).map((run) =>
        run.doubtful ? <mark title={t("doubtfulWord")}>{run.text}</mark> : run.text,
      )}
    </span>
  );
}

/** The line's text in an input; Enter or leaving it keeps the text, Escape drops it. */
function LineEditor(props: { label: string; text: string; onDone: (text: string | null) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const settled = useRef(false);
  useEffect(() => input.current?.focus(), []);
  const done = (text: string | null) => {
    if (settled.current) return; // a blur follows Enter or Escape as the input goes
    settled.current = true;
    props.onDone(text);
  };
  return (
    <input
      ref={input}
      aria-label={props.label}
      value={props.text}
      onBlur={(event) => done(event.currentTarget.value)}
      onKeyDown={(event) => {
        if (event.key === "Enter") done(event.currentTarget.value);
        if (event.key === "Escape") done(null);
      }}
    />
  );
}

function LineRow(props: {
  line: Line;
  number: number;
  corrected: string | undefined;
  onCorrect: (text: string | null) => void;
}) {
  const [editing, setEditing] = useState(false);
  const edit = useRef<HTMLButtonElement>(null);
  const finish = (text: string | null) => {
    // Back to the OCR's own text is no correction; Escape changes nothing.
    if (text !== null) props.onCorrect(text === props.line.text ? null : text);
    setEditing(false);
    requestAnimationFrame(() => edit.current?.focus());
  };
  if (editing) {
    const text = props.corrected ?? props.line.text;
    const label = t("lineLabel", { number: props.number });
    return (
      <li>
        <LineEditor label={label} text={text} onDone={finish} />
      </li>
    );
  }
  return (
    <li>
      {props.corrected === undefined ? <Marked line={props.line} /> : props.corrected}
      {props.corrected !== undefined && <span class="tag">{t("corrected")}</span>}{" "}
      <button
        ref={edit}
        type="button"
        class="link"
        aria-label={t("editLine", { number: props.number })}
        onClick={() => setEditing(true)}
      >
        {t("edit")}
      </button>
    </li>
  );
}

/** "Adjust page corners" and, once pressed, the corner editor: for a stored photo (not a PDF's
 * page) once the upload has settled, whatever the image's own status (`cornersAdjustable`; the
 * API takes one fix at a time, once the upload has settled). "Read again" unmounts both (the
 * upload is being read), so `onReread` moves the focus elsewhere. */
function Corners(props: {
  uploadId: string;
  image: UploadImage;
  name: string;
  settled: boolean;
  onReread: (image: UploadImage) => void;
}) {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  if (!cornersAdjustable(props.image, props.settled)) return null;
  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => toggle.current?.focus());
  };
  return (
    <div class="result-actions">
      <button
        ref={toggle}
        type="button"
        class="secondary"
        aria-expanded={open}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {t("adjustCorners")}
      </button>
      {open && (
        <CornerEditor
          uploadId={props.uploadId}
          image={props.image}
          name={props.name}
          onSent={(image) => {
            setOpen(false);
            props.onReread(image);
          }}
          onClose={close}
        />
      )}
    </div>
  );
}

export function ResultImage(props: {
  uploadId: string;
  image: UploadImage;
  showBoxes: boolean;
  corrections: Corrections;
  onCorrect: (key: string, text: string | null) => void;
  /** The upload is no longer being read. */
  settled: boolean;
  /** The image is being read again (its detail from the API's 202). */
  onReread: (image: UploadImage) => void;
}) {
  const { image } = props;
  const name = nameWithPage(displayName(image), pageOf(image), t);
  const heading = useRef<HTMLHeadingElement>(null);
  const reread = (sent: UploadImage) => {
    props.onReread(sent);
    // The editor and its toggle are gone with the upload being read: the focus would drop to
    // the page's body, so it goes to this image's heading (the toolbar's status says why).
    requestAnimationFrame(() => heading.current?.focus());
  };
  const corners = (
    <Corners
      uploadId={props.uploadId}
      image={image}
      name={name}
      settled={props.settled}
      onReread={reread}
    />
  );
  if (image.status !== "done") {
    return (
      <article class="result" aria-label={name}>
        <Heading image={image} heading={heading} />
        {image.status === "failed" ? (
          <p class="error">{failureMessage(image.code, image.reason ?? "", t)}</p>
        ) : (
          <p>{t(`imageStatus.${image.status}` as MessageKey)}</p>
        )}
        {corners}
      </article>
    );
  }
  return (
    <article class="result" aria-label={name}>
      <Heading image={image} heading={heading} />
      <div class="result-body">
        <Overlaid uploadId={props.uploadId} image={image} showBoxes={props.showBoxes} />
        <ol class="lines" aria-label={t("linesOf", { name })}>
          {linesOf(image).map((line, index) => (
            <LineRow
              key={index}
              line={line}
              number={index + 1}
              corrected={props.corrections.get(lineKey(image.image_id, index))}
              onCorrect={(text) => props.onCorrect(lineKey(image.image_id, index), text)}
            />
          ))}
        </ol>
      </div>
      {corners}
    </article>
  );
}
