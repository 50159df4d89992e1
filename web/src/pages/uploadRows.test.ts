import { describe, expect, it } from "vitest";
import { translator } from "../i18n";
import { refusalMessage, failureMessage } from "./failures";
import { acceptedRows, rowsFrom, step } from "./uploadRows";
import { withAdded } from "./UploadFiles";

const en = translator("en");
const ko = translator("ko");

describe("an upload's progress rows", () => {
  it("start queued, one per accepted image", () => {
    expect(acceptedRows([{ image_id: "i1", filename: "a.png" }])).toEqual([
      { imageId: "i1", filename: "a.png", status: "queued", stored: false },
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
      "n.png was refused: it is not a JPEG, PNG, WebP, TIFF, BMP, GIF or HEIC image.",
    );
    expect(refusalMessage(problem, 415, ko)).toContain("n.png은(는) 거부되었습니다");
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
