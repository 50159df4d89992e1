import { describe, expect, it } from "vitest";
import { translator } from "../i18n";
import { refusalMessage, failureMessage } from "./failures";
import { acceptedRows, nameWithPage, pageOf, rowsFrom, step } from "./uploadRows";
import { withAdded } from "./UploadFiles";

const en = translator("en");
const ko = translator("ko");

describe("an upload's progress rows", () => {
  it("start queued, one per accepted image", () => {
    expect(acceptedRows([{ image_id: "i1", filename: "a.png" }])).toEqual([
      { imageId: "i1", filename: "a.png", page: null, status: "queued", stored: false },
    ]);
  });

  it("know which page of a PDF each image was made from, and keep it through the stream", () => {
    const answered = [
      { image_id: "i1", filename: "scan.pdf", page: 1 },
      { image_id: "i2", filename: "scan.pdf", page: 2 },
      { image_id: "i3", filename: "photo.jpg", page: null },
    ];
    const accepted = acceptedRows(answered);
    expect(accepted.map((row) => row.page)).toEqual([1, 2, null]);
    // A snapshot without `page` (the stream's light view) keeps what the answer said.
    const image = (id: string) => ({
      image_id: id,
      filename: "scan.pdf",
      status: "processing" as const,
      storage: { status: "stored" },
    });
    const rows = rowsFrom(
      { status: "processing", images: [image("i1"), image("i2"), image("i3")] },
      accepted,
    );
    expect(rows.map((row) => row.page)).toEqual([1, 2, null]);
    const told = rowsFrom({ status: "processing", images: [{ ...image("i9"), page: 7 }] });
    expect(told[0].page).toBe(7);
  });

  it("name a PDF's pages apart for screen readers, and photos by their name alone", () => {
    expect(nameWithPage("scan.pdf", 2, en)).toBe("scan.pdf, page 2");
    expect(nameWithPage("scan.pdf", 2, ko)).toBe("scan.pdf, 2쪽");
    expect(nameWithPage("photo.jpg", null, en)).toBe("photo.jpg");
    expect(en("pageTag", { page: 2 })).toBe("p. 2");
  });

  it("read no page from a value that is not a page number", () => {
    expect([{ page: 0 }, { page: 1.5 }, { page: "3" }, {}].map(pageOf)).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it("follow each snapshot: stored, finished, or failed with its code", () => {
    const rows = rowsFrom({
      status: "partial",
      images: [
        { image_id: "i1", filename: "a.png", status: "done", storage: { status: "stored" } },
        {
          image_id: "i2",
          filename: "b.png",
          status: "failed",
          storage: { status: "rejected" },
          reason: "broken",
          code: "image-damaged",
        },
      ],
    });
    expect(rows.map((row) => [row.stored, step(row.status), row.code])).toEqual([
      [true, 2, undefined],
      [false, 2, "image-damaged"],
    ]);
  });
});

describe("why a file was refused or failed", () => {
  it("is said from the API's code in the person's language, naming the file", () => {
    const problem = {
      type: "x",
      title: "Unsupported",
      status: 415,
      code: "unsupported-image",
      filename: "n.png",
      detail: "n.png is not…",
    };
    expect(refusalMessage(problem, 415, en)).toBe(
      "n.png was refused: it is not a JPEG, PNG, WebP, TIFF, BMP, GIF or HEIC image, nor a PDF.",
    );
    expect(refusalMessage(problem, 415, ko)).toContain("n.png은(는) 거부되었습니다");
  });

  it("names the PDF page limit an upload met and the pages it allows, in both languages", () => {
    const perFile = {
      type: "x",
      title: "Too many pages",
      status: 422,
      code: "too-many-pages",
      limit: "pdf_pages_per_file",
      allowed: 50,
      used: 51,
      filename: "big.pdf",
      detail: "big.pdf has 51 pages; at most 50",
    };
    expect(refusalMessage(perFile, 422, en)).toBe(
      "big.pdf was refused: it has more than 50 pages, the most one PDF may have.",
    );
    const perUpload = { ...perFile, limit: "pdf_pages_per_upload", filename: undefined };
    expect(refusalMessage(perUpload, 422, en)).toBe(
      "The PDFs have more than 50 pages together, the most one upload may have.",
    );
    expect(refusalMessage(perUpload, 422, ko)).toContain("50쪽을 넘습니다");
    // Without the number, the code's own sentence; an unknown limit, the same.
    const unnumbered = { ...perUpload, allowed: undefined };
    expect(refusalMessage(unnumbered, 422, en)).toBe("the PDF has more pages than allowed.");
    const unknown = { ...perUpload, limit: "something_new" };
    expect(refusalMessage(unknown, 422, en)).toBe("the PDF has more pages than allowed.");
  });

  it("says why a PDF was not taken: locked, scripted or damaged", () => {
    const refused = (reason: string) => ({
      type: "x",
      title: "PDF not accepted",
      status: 422,
      code: "unacceptable-pdf",
      reason,
      filename: "form.pdf",
      detail: "form.pdf: …",
    });
    expect(refusalMessage(refused("encrypted"), 422, en)).toBe(
      "form.pdf was refused: the PDF is locked with a password: save it again without one.",
    );
    expect(refusalMessage(refused("javascript"), 422, en)).toContain("carries scripts");
    expect(refusalMessage(refused("broken"), 422, ko)).toContain("손상된 PDF");
    expect(refusalMessage(refused("new-kind"), 422, en)).toBe(
      "form.pdf was refused: it is a PDF Jaryo cannot take.",
    );
  });

  it("says why a deck's PDF could not be made, from its failure code", () => {
    const notMade = {
      type: "x",
      title: "Not found",
      status: 404,
      code: "pdf-not-made",
      failure_code: "pdf-render-timed-out",
      revision: 2,
    };
    expect(refusalMessage(notMade, 404, en)).toBe(
      "The PDF of this deck could not be made: turning the deck into a PDF took too long.",
    );
    const unexplained = { ...notMade, failure_code: "brand-new" };
    expect(refusalMessage(unexplained, 404, en)).toBe("The PDF of this deck could not be made.");
  });

  it("falls back to the API's prose for a code the catalogue does not know", () => {
    const problem = { type: "x", title: "Bad", status: 422, code: "new", detail: "a.png is empty" };
    expect(refusalMessage(problem, 422, en)).toBe("a.png is empty");
    expect(failureMessage("brand-new", "the prose", en)).toBe("the prose");
    const damaged = failureMessage("image-damaged", "prose", ko);
    expect(damaged).toBe("이미지가 손상되었거나 잘려 있습니다.");
  });
});

describe("the chosen files", () => {
  it("gain the files added later, but not the same file twice", () => {
    const a = new File(["aa"], "a.png", { lastModified: 1 });
    const b = new File(["bbb"], "b.png", { lastModified: 1 });
    const again = new File(["aa"], "a.png", { lastModified: 1 });
    expect(withAdded([a], [b, again]).map((file) => file.name)).toEqual(["a.png", "b.png"]);
  });
});
