import { describe, expect, it } from "vitest";
import type { DeckSpec } from "../api/decks";
import type { UploadImage } from "../api/uploads";
import { allText, applyCorrections, boxStyle, lineKey, markedWords } from "./ocrLines";

function line(text: string, doubtful: string[] = []) {
  const words = text.split(" ").map((word) => ({
    bbox: [0, 0, 0.1, 0.1],
    text: word,
    confidence: doubtful.includes(word) ? 40 : 95,
    low_confidence: doubtful.includes(word),
  }));
  return { bbox: [0, 0, 1, 0.1], text, confidence: 90, words, in_picture: false };
}

function image(id: string, lines: string[][], status: UploadImage["status"] = "done") {
  const blocks = lines.map((block) => ({ bbox: [0, 0, 1, 1], lines: block.map((t) => line(t)) }));
  return { image_id: id, status, ocr: { status: "done", blocks } } as unknown as UploadImage;
}

describe("an OCR box over its image", () => {
  it("is placed in percent of the image from the box's fractions", () => {
    expect(boxStyle([0.1, 0.25, 0.6, 0.5])).toEqual({
      left: "10%",
      top: "25%",
      width: "50%",
      height: "25%",
    });
  });

  it("stays inside the image when the engine's box spills over", () => {
    expect(boxStyle([-0.05, 0.9, 1.2, 1.1])).toEqual({
      left: "0%",
      top: "90%",
      width: "100%",
      height: "10%",
    });
  });
});

describe("a line's doubtful words", () => {
  it("are marked, and only they, in the line's own text", () => {
    expect(markedWords(line("Hello wrld again wrld", ["wrld"]))).toEqual([
      { text: "Hello ", doubtful: false },
      { text: "wrld", doubtful: true },
      { text: " again ", doubtful: false },
      { text: "wrld", doubtful: true },
    ]);
    expect(markedWords(line("all sure"))).toEqual([{ text: "all sure", doubtful: false }]);
  });
});

describe("copy-all", () => {
  it("copies every read image's lines with the corrections, images a blank line apart", () => {
    const images = [
      image("a", [["one", "twp"]]),
      image("b", [["x"]], "failed"),
      image("c", [["three"]]),
    ];
    const corrections = new Map([[lineKey("a", 1), "two"]]);
    expect(allText(images, corrections)).toBe("one\ntwo\n\nthree");
  });
});

describe("corrections carried into the draft", () => {
  const images = [image("a", [["Title"], ["first lne", "second"]]), image("b", [["other"]])];
  const spec = {
    template_id: "plain",
    title: "T",
    slides: [
      {
        layout: "blank",
        elements: [
          { type: "image", image_id: "a", x: 0, y: 0, w: 1, h: 1 },
          { type: "text", text: "Title", x: 0, y: 0, w: 1, h: 0.1 },
          { type: "text", text: "first lne\nsecond", x: 0, y: 0.2, w: 1, h: 0.1 },
        ],
      },
      { layout: "blank", elements: [{ type: "text", text: "other", x: 0, y: 0, w: 1, h: 0.1 }] },
    ],
  } as unknown as DeckSpec;

  it("replace the corrected line in its slide's text box, and nothing else", () => {
    const corrected = applyCorrections(spec, images, new Map([[lineKey("a", 1), "first line"]]));
    const texts = corrected.slides.map((slide) =>
      (slide.elements ?? []).map((element) => ("text" in element ? element.text : element.type)),
    );
    expect(texts).toEqual([["image", "Title", "first line\nsecond"], ["other"]]);
  });

  it("skip images that were not read, as the draft does", () => {
    const withFailed = [images[0], image("z", [["gone"]], "failed"), images[1]];
    const corrected = applyCorrections(spec, withFailed, new Map([[lineKey("b", 0), "another"]]));
    expect(corrected.slides[1].elements).toEqual([
      { type: "text", text: "another", x: 0, y: 0, w: 1, h: 0.1 },
    ]);
  });

  it("tell apart two lines of the same text by their order", () => {
    const twice = [image("d", [["same", "same"]])];
    const oneBox = {
      ...spec,
      slides: [
        {
          layout: "blank",
          elements: [{ type: "text", text: "same\nsame", x: 0, y: 0, w: 1, h: 1 }],
        },
      ],
    } as unknown as DeckSpec;
    const corrected = applyCorrections(oneBox, twice, new Map([[lineKey("d", 1), "other"]]));
    expect(corrected.slides[0].elements).toEqual([
      { type: "text", text: "same\nother", x: 0, y: 0, w: 1, h: 1 },
    ]);
  });
});
