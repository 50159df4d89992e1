/** An image's OCR result as the results page shows it: boxes placed over the image, lines with
 * their doubtful words, the person's corrections, and those corrections carried into a draft. */
import type { DeckSpec } from "../api/decks";
import type { UploadImage } from "../api/uploads";

export type Line = NonNullable<UploadImage["ocr"]["blocks"]>[number]["lines"][number];
export type Corrections = ReadonlyMap<string, string>;

/** A box given as fractions of the image [x0, y0, x1, y1], placed in percent of the image. */
export function boxStyle(bbox: readonly number[]): Record<string, string> {
  const [x0, y0, x1, y1] = bbox.map((value) => Math.min(1, Math.max(0, value)));
  const percent = (value: number) => `${Number((value * 100).toFixed(3))}%`;
  return { left: percent(x0), top: percent(y0), width: percent(x1 - x0), height: percent(y1 - y0) };
}

export function linesOf(image: UploadImage): Line[] {
  return (image.ocr?.blocks ?? []).flatMap((block) => block.lines);
}

export function lineKey(imageId: string, index: number): string {
  return `${imageId}:${index}`;
}

/** Whether a `lineKey` is one of the image's lines. */
export function isLineOf(key: string, imageId: string): boolean {
  return key.startsWith(`${imageId}:`);
}

/** The line's text in runs that join back into it, the words the OCR doubts in runs of their
 * own (found in order; a word the text does not hold is left unmarked). */
export function markedWords(line: Line): { text: string; doubtful: boolean }[] {
  const runs: { text: string; doubtful: boolean }[] = [];
  let from = 0;
  for (const word of line.words) {
    const at = word.low_confidence ? line.text.indexOf(word.text, from) : -1;
    if (at < 0 || word.text === "") continue;
    if (at > from) runs.push({ text: line.text.slice(from, at), doubtful: false });
    runs.push({ text: word.text, doubtful: true });
    from = at + word.text.length;
  }
  if (from < line.text.length) runs.push({ text: line.text.slice(from), doubtful: false });
  return runs;
}

export function lineText(image: UploadImage, index: number, corrections: Corrections): string {
  return corrections.get(lineKey(image.image_id, index)) ?? linesOf(image)[index].text;
}

/** Every read image's text with the corrections, images separated by a blank line. */
export function allText(images: readonly UploadImage[], corrections: Corrections): string {
  return images
    .filter((image) => image.status === "done")
    .map((image) => linesOf(image).map((_, i) => lineText(image, i, corrections)).join("\n"))
    .join("\n\n");
}

/** The draft with the corrected lines: the API drafts one slide per read image, in order, its
 * text boxes holding the image's lines in reading order, so each line is found by its text. */
export function applyCorrections(
  spec: DeckSpec,
  images: readonly UploadImage[],
  corrections: Corrections,
): DeckSpec {
  const read = images.filter((image) => image.status === "done");
  const slides = spec.slides.map((slide, number) => {
    const image = read[number];
    if (!image) return slide;
    const lines = linesOf(image);
    let next = 0;
    const fix = (text: string) => {
      const found = lines.findIndex((line, index) => index >= next && line.text === text);
      if (found < 0) return text;
      next = found + 1;
      return lineText(image, found, corrections);
    };
    const elements = (slide.elements ?? []).map((element) =>
      element.type === "text"
        ? { ...element, text: element.text.split("\n").map(fix).join("\n") }
        : element,
    );
    return { ...slide, elements };
  });
  return { ...spec, slides };
}
