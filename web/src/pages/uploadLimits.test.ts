import { describe, expect, it } from "vitest";
import type { AppConfig } from "../api/config";
import { translator } from "../i18n";
import { formatBytes, isImageOrPdf, limitLines, refusals } from "./uploadLimits";

const config: AppConfig = {
  max_images_per_upload: 2,
  max_image_bytes: 20_000_000,
  max_pdf_pages_per_file: 50,
  max_pdf_pages_per_upload: 60,
  image_types: ["mixed-printed"],
  image_formats: ["JPEG", "PNG"],
};
const t = translator("en");

describe("the upload limits", () => {
  it("are stated in words before anything is chosen", () => {
    expect(limitLines(config, t)).toEqual([
      "Up to 2 images at once",
      "Each image up to 20 MB",
      "Formats: JPEG, PNG",
      "PDFs too: each page becomes an image (up to 50 pages a PDF, 60 in all)",
    ]);
  });

  it("refuse too many files and each file over the size, before sending", () => {
    const files = [
      { name: "a.png", size: 10, type: "image/png" },
      { name: "b.png", size: 20_000_001, type: "image/png" },
      { name: "c.pdf", size: 10, type: "application/pdf" },
    ];
    expect(refusals(files, config, t)).toEqual([
      "Choose at most 2 images.",
      "b.png is larger than 20 MB.",
    ]);
  });

  it("let files within the limits through", () => {
    const png = { name: "a.png", size: 20_000_000, type: "image/png" };
    expect(refusals([png], config, t)).toEqual([]);
  });

  it("take images and PDFs, and refuse other files before sending", () => {
    const files = [
      { name: "scan.pdf", size: 10, type: "application/pdf" },
      { name: "photo.heic", size: 10, type: "" }, // no type from the browser: the API decides
      { name: "odd.PDF", size: 10, type: "application/x-pdf" },
      { name: "notes.txt", size: 10, type: "text/plain" },
      { name: "deck.pptx", size: 10, type: "application/vnd.ms-powerpoint" },
    ];
    expect(files.map(isImageOrPdf)).toEqual([true, true, true, false, false]);
    expect(refusals(files, config, t)).toEqual([
      "Choose at most 2 images.",
      "notes.txt is not an image or a PDF.",
      "deck.pptx is not an image or a PDF.",
    ]);
  });

  it("write sizes as people read them", () => {
    expect(formatBytes(1_500_000)).toBe("1.5 MB");
    expect(formatBytes(2_000)).toBe("2 kB");
    expect(formatBytes(12)).toBe("12 B");
  });
});
