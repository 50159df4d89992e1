import { describe, expect, it } from "vitest";
import type { AppConfig } from "../api/config";
import { translator } from "../i18n";
import { formatBytes, limitLines, refusals } from "./uploadLimits";

const config: AppConfig = {
  max_images_per_upload: 2,
  max_image_bytes: 20_000_000,
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
    ]);
  });

  it("refuse too many files and each file over the size, before sending", () => {
    const files = [
      { name: "a.png", size: 10 },
      { name: "b.png", size: 20_000_001 },
      { name: "c.png", size: 10 },
    ];
    expect(refusals(files, config, t)).toEqual([
      "Choose at most 2 images.",
      "b.png is larger than 20 MB.",
    ]);
  });

  it("let files within the limits through", () => {
    expect(refusals([{ name: "a.png", size: 20_000_000 }], config, t)).toEqual([]);
  });

  it("write sizes as people read them", () => {
    expect(formatBytes(1_500_000)).toBe("1.5 MB");
    expect(formatBytes(2_000)).toBe("2 kB");
    expect(formatBytes(12)).toBe("12 B");
  });
});
