/** "Adjust page corners": the photo as it was taken, the page's outline drawn over it, and four
 * handles the person drags (or moves with the arrow keys) onto the page's corners, each move
 * announced (a polite live region says where the corner now is); "Read again" sends them
 * (`PUT .../page`), and the image is flattened from them and read again. */
import { useEffect, useRef, useState } from "preact/hooks";
import { capturedPage, putPageCorners } from "../api/pages";
import { imageUrl, type UploadImage } from "../api/uploads";
import { useObjectUrl } from "../components/AuthImage";
import { t } from "../i18n";
import {
  cornerPlace,
  CORNERS,
  keyMove,
  pointerToPoint,
  polygonPoints,
  quadBody,
  quadProblem,
  startingQuad,
  withCorner,
  type Quad,
} from "./corners";
import { refusalMessage } from "./failures";

/** The drawing's own units: the outline is drawn over a 1000 × 1000 box stretched to the
 * photo, its line kept thin by `vector-effect`. */
const UNITS = 1000;

function percent(value: number): string {
  return `${Number((value * 100).toFixed(2))}%`;
}

/** The outline, and the photo outside it dimmed, so the page stands out. */
function Outline(props: { quad: Quad; valid: boolean }) {
  const inside = polygonPoints(props.quad, UNITS, UNITS);
  const outside = `M0,0H${UNITS}V${UNITS}H0Z M${inside.replace(/ /g, " L")}Z`;
  return (
    <svg
      class="corner-outline"
      viewBox={`0 0 ${UNITS} ${UNITS}`}
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <path d={outside} fill-rule="evenodd" class="corner-shade" />
      <polygon
        points={inside}
        class={props.valid ? "corner-edge" : "corner-edge invalid"}
        vector-effect="non-scaling-stroke"
      />
    </svg>
  );
}

/** A move of a handle, and what to announce of it: the corner's new place after an arrow key or
 * at the end of a drag (not at each step of a drag, which would drown the screen reader). */
type Move = (quad: Quad, said?: string) => void;

/** One corner's handle: a button named for its corner and described by where it is, dragged
 * with a pointer (captured, so a drag past the photo's edge stops at the edge) or moved with
 * the arrow keys. */
function Handle(props: {
  id: string;
  index: number;
  quad: Quad;
  onMove: Move;
  photo: () => HTMLElement | null;
}) {
  const { index, quad } = props;
  const [x, y] = quad[index];
  const dragging = useRef(false);
  const moveTo = (event: PointerEvent, said: boolean) => {
    const photo = props.photo();
    if (!photo) return;
    const point = pointerToPoint(event.clientX, event.clientY, photo.getBoundingClientRect());
    const moved = withCorner(quad, index, point);
    props.onMove(moved, said ? cornerPlace(moved, index, t) : undefined);
  };
  const name = t(`corner.${CORNERS[index]}`);
  const where = `${props.id}-at-${index}`;
  return (
    <button
      type="button"
      class="corner-handle"
      style={{ left: percent(x), top: percent(y) }}
      aria-label={name}
      aria-describedby={`${where} ${props.id}-hint`}
      data-corner={CORNERS[index]}
      onPointerDown={(event) => {
        event.preventDefault(); // no text selection or scrolling; the handle takes the focus
        event.currentTarget.focus();
        event.currentTarget.setPointerCapture(event.pointerId);
        dragging.current = true;
      }}
      onPointerMove={(event) => dragging.current && moveTo(event, false)}
      onPointerUp={(event) => {
        if (dragging.current) moveTo(event, true);
        dragging.current = false;
      }}
      onPointerCancel={() => (dragging.current = false)}
      onKeyDown={(event) => {
        const moved = keyMove(quad, index, event, t);
        if (!moved) return;
        event.preventDefault(); // the arrows move the corner, not the page
        props.onMove(moved.quad, moved.said);
      }}
    >
      <span id={where} class="visually-hidden">
        {cornerPlace(quad, index, t)}
      </span>
    </button>
  );
}

/** The photo as it was taken with the outline and the handles over it, once it has loaded. */
function Stage(props: {
  id: string;
  url: string | null;
  room: string;
  alt: string;
  quad: Quad;
  valid: boolean;
  onMove: Move;
}) {
  const photo = useRef<HTMLImageElement>(null);
  if (!props.url) return <div class="corner-stage" style={{ aspectRatio: props.room }} />;
  return (
    <div class="corner-stage">
      <img ref={photo} src={props.url} alt={props.alt} draggable={false} />
      <Outline quad={props.quad} valid={props.valid} />
      {CORNERS.map((corner, index) => (
        <Handle
          key={corner}
          id={props.id}
          index={index}
          quad={props.quad}
          onMove={props.onMove}
          photo={() => photo.current}
        />
      ))}
    </div>
  );
}

export function CornerEditor(props: {
  uploadId: string;
  image: UploadImage;
  name: string;
  /** The image's detail from the 202: it is being read again. */
  onSent: (image: UploadImage) => void;
  onClose: () => void;
}) {
  const { uploadId, image } = props;
  const id = `corners-${image.image_id}`;
  const url = useObjectUrl(() => imageUrl(uploadId, image.image_id, "original"), image.image_id);
  const initial = () => startingQuad(capturedPage(image)?.corners);
  const [quad, setQuad] = useState<Quad>(initial);
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  // The last move's announcement: a handle's description is read when it gains the focus, not
  // when it changes, so where a moved corner now is is said in a live region.
  const [said, setSaid] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const problem = quadProblem(quad);
  const move: Move = (next, announced) => {
    setQuad(next);
    setRefusal(null);
    if (announced !== undefined) setSaid(announced);
  };
  const send = async () => {
    setSending(true);
    setRefusal(null);
    try {
      const answer = await putPageCorners(uploadId, image.image_id, quadBody(quad));
      const { data, error, response } = answer;
      if (response.status === 202 && data) props.onSent(data);
      else setRefusal(refusalMessage(error, response.status, t));
    } catch {
      setRefusal(t("networkError"));
    } finally {
      setSending(false);
    }
  };
  return (
    <section class="corner-editor" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t("cornersTitle", { name: props.name })}
      </h3>
      <p id={`${id}-hint`}>{t("cornersHint")}</p>
      <Stage
        id={id}
        url={url}
        room={image.width && image.height ? `${image.width} / ${image.height}` : "4 / 3"}
        alt={t("photoAsTaken", { name: props.name })}
        quad={quad}
        valid={problem === null}
        onMove={move}
      />
      <div class="visually-hidden" aria-live="polite" aria-atomic="true">
        {said}
      </div>
      <p id={`${id}-why`} class={problem ? "error" : "hint"} aria-live="polite">
        {problem ? t(`cornersProblem.${problem}`) : t("cornersReady")}
      </p>
      {refusal && (
        <p role="alert" class="error">
          {refusal}
        </p>
      )}
      <div class="toolbar">
        <button
          type="button"
          disabled={problem !== null || sending}
          aria-describedby={`${id}-why`}
          onClick={send}
        >
          {sending ? t("working") : t("readAgain")}
        </button>
        <button type="button" class="secondary" onClick={() => move(initial())}>
          {t("cornersReset")}
        </button>
        <button type="button" class="secondary" onClick={props.onClose}>
          {t("cancel")}
        </button>
      </div>
    </section>
  );
}
