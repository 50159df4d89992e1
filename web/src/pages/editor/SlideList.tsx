/** The deck's slides as small pictures (drawn in the DOM with the canvas's geometry), and the
 * buttons that add, duplicate, reorder and delete them. */
import { boxToPixels, DEFAULT_SIZE_POINTS, pointsToPixels } from "../../editor/geometry";
import { pictureKey } from "../../editor/images";
import { boxOf, elementsOf, type Element, type Slide } from "../../editor/spec";
import { cssFamily, type Theme } from "../../editor/theme";
import { t } from "../../i18n";

const THUMB = { width: 160 };

export interface SlideListProps {
  slides: Slide[];
  current: number;
  theme: Theme;
  images: Images;
  choose(index: number): void;
  add(): void;
  duplicate(): void;
  remove(): void;
  move(to: number): void;
}

export function SlideList(props: SlideListProps) {
  const { slides, current } = props;
  return (
    <nav class="slide-list" aria-label={t("editorSlides")}>
      <ol>
        {slides.map((slide, index) => (
          <li key={index}>
            <button
              type="button"
              class="thumb-button"
              aria-current={index === current ? "true" : undefined}
              onClick={() => props.choose(index)}
            >
              <span class="visually-hidden">{t("editorSlideN", { n: index + 1 })}</span>
              <Thumbnail slide={slide} theme={props.theme} images={props.images} />
            </button>
          </li>
        ))}
      </ol>
      <div class="slide-actions">
        <button type="button" onClick={props.add}>{t("editorAddSlide")}</button>
        <button type="button" onClick={props.duplicate}>{t("editorDuplicateSlide")}</button>
        <button type="button" disabled={current === 0} onClick={() => props.move(current - 1)}>
          {t("editorMoveSlideUp")}
        </button>
        <button
          type="button"
          disabled={current === slides.length - 1}
          onClick={() => props.move(current + 1)}
        >
          {t("editorMoveSlideDown")}
        </button>
        <button type="button" disabled={slides.length <= 1} onClick={props.remove}>
          {t("editorDeleteSlide")}
        </button>
      </div>
    </nav>
  );
}

type Images = ReadonlyMap<string, HTMLImageElement>;

function Thumbnail(props: { slide: Slide; theme: Theme; images: Images }) {
  const { theme } = props;
  const accent = theme.accent;
  return (
    <span class="slide-thumb" aria-hidden="true" style={{ background: theme.background }}>
      {accent && <span style={place(boxToPixels(accent.box, THUMB), accent.color)} />}
      {elementsOf(props.slide).map((element, index) => (
        <ThumbElement key={index} element={element} theme={theme} images={props.images} />
      ))}
    </span>
  );
}

function ThumbElement(props: { element: Element; theme: Theme; images: Images }) {
  const { element, theme } = props;
  const style = place(boxToPixels(boxOf(element), THUMB));
  if (element.type === "image") {
    const image = props.images.get(pictureKey(element));
    if (image) return <img src={image.src} alt="" style={style} />;
    return <span style={{ ...style, background: "#d8dce1" }} />;
  }
  const text = {
    ...style,
    color: element.color ?? theme.text,
    fontFamily: cssFamily(element.font ?? theme.font),
    fontSize: `${pointsToPixels(element.size ?? DEFAULT_SIZE_POINTS, THUMB)}px`,
    fontWeight: element.bold ? 700 : 400,
    textAlign: element.align,
  };
  return <span style={text}>{element.text}</span>;
}

function place(box: { x: number; y: number; w: number; h: number }, background?: string) {
  const px = (value: number) => `${value}px`;
  return { left: px(box.x), top: px(box.y), width: px(box.w), height: px(box.h), background };
}
