/** The slide's boxes as a labelled list beside the canvas: how keyboard and screen-reader users
 * find, select and move them (the canvas itself is a picture to assistive technology). */
import { elementsOf, type Element, type Slide } from "../../editor/spec";
import { t } from "../../i18n";

const SHOWN_CHARACTERS = 40;

export function ElementList(props: {
  slide: Slide;
  selected: number | null;
  select(index: number): void;
}) {
  const elements = elementsOf(props.slide);
  return (
    <section class="element-list" aria-labelledby="element-list-title">
      <h2 id="element-list-title">{t("editorElements")}</h2>
      {elements.length === 0 ? (
        <p>{t("editorNoElements")}</p>
      ) : (
        <ol>
          {elements.map((element, index) => (
            <li key={index}>
              <button
                type="button"
                class="element-button"
                aria-pressed={index === props.selected}
                onClick={() => props.select(index)}
              >
                {elementName(element, elements)}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function elementName(element: Element, all: Element[]): string {
  if (element.type === "image") {
    const number = all.filter((other) => other.type === "image").indexOf(element) + 1;
    return t("editorPicture", { n: number });
  }
  const text = element.text.replace(/\s+/g, " ").trim();
  if (!text) return t("editorTextBox", { text: t("editorEmptyText") });
  const shown = text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}…` : text;
  return t("editorTextBox", { text: shown });
}
