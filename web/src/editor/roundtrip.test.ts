import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { Autosaver, type SaveOutcome, type SpecStore } from "./autosave";
import * as commands from "./commands";
import { deck } from "./fixtures";
import { History } from "./history";
import type { DeckSpec } from "./spec";
import { openapiDocument } from "./testSupport";

/** The deck spec's JSON Schema as the gateway's served OpenAPI document states it. */
function specValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ ...openapiDocument(), $id: "openapi.json" });
  return ajv.getSchema("openapi.json#/components/schemas/DeckSpec")!;
}

/** Loads the spec as the API answers it (JSON), edits it, and keeps what the editor saves. */
async function edit(original: DeckSpec, changes: commands.Command[]): Promise<string[]> {
  const sent: string[] = [];
  const store: SpecStore = {
    load: async () => ({ spec: JSON.parse(JSON.stringify(original)), etag: '"1"' }),
    save: async (spec): Promise<SaveOutcome> => {
      sent.push(JSON.stringify(spec));
      return { kind: "saved", etag: '"2"' };
    },
  };
  const loaded = await store.load();
  const history = new History(loaded.spec);
  const saver = new Autosaver(store, loaded.etag, () => undefined);
  saver.changed(changes.reduce((_, command) => history.run(command), loaded.spec));
  await saver.flush();
  return sent;
}

describe("the spec's round trip through the editor", () => {
  it("saves exactly the spec it loaded when nothing was edited", async () => {
    const [saved] = await edit(deck(), []);
    expect(saved).toBe(JSON.stringify(deck()));
  });

  it("saves the spec unchanged after an edit and its undo", async () => {
    const history = new History(deck());
    history.run(commands.setStyle(0, 1, { bold: true, color: undefined }));
    expect(JSON.stringify(history.undo())).toBe(JSON.stringify(deck()));
  });

  it("saves edits the gateway's DeckSpec schema accepts", { timeout: 30_000 }, async () => {
    const validate = specValidator();
    expect(validate(deck())).toBe(true);
    const [saved] = await edit(deck(), [
      commands.moveElement(0, 1, { x: 0.123456, y: 0.5, w: 0.5, h: 0.2 }),
      commands.resizeElement(0, 1, { x: 0.123456, y: 0.5, w: 0.876544, h: 0.5 }),
      commands.setText(0, 1, "한국어 and English\nline two"),
      commands.setStyle(0, 1, { font: "Noto Serif CJK KR", size: 32, bold: true }),
      commands.setStyle(0, 1, { color: "#C0392B", align: "justify", underline: true }),
      commands.setStyle(0, 2, { font: undefined }),
      commands.nudgeElement(0, 2, 1, 1),
      commands.addTextBox(1, "New text"),
      commands.addImage(1, "img-1", { x: 0.25, y: 0.25, w: 0.5, h: 0.5 }),
      commands.duplicateSlide(1),
      commands.addSlide(2),
      commands.moveSlide(3, 0),
      commands.deleteElement(0 + 1, 0),
    ]);
    const spec = JSON.parse(saved);
    expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
    expect(spec.slides).toHaveLength(4);
  });

  it("saves a cropped picture's crop as loaded when the picture moves", async () => {
    const crop = { x: 0.5, y: 0.25, w: 0.5, h: 0.5 };
    const original = deck();
    const picture = { type: "image" as const, image_id: "img-2", x: 0.1, y: 0.1, w: 0.2, h: 0.2 };
    original.slides[1].elements!.push({ ...picture, variant: "original", crop });
    const [saved] = await edit(original, [
      commands.moveElement(1, 1, { x: 0.5, y: 0.5, w: 0.2, h: 0.2 }),
    ]);
    const spec = JSON.parse(saved);
    expect(specValidator()(spec)).toBe(true);
    expect(spec.slides[1].elements[1]).toMatchObject({ x: 0.5, y: 0.5, crop });
  });

  it("is checked by a schema that refuses a box outside the slide's fractions", () => {
    const validate = specValidator();
    const broken = deck();
    broken.slides[0].elements![1] = { ...broken.slides[0].elements![1], x: 1.5 };
    expect(validate(broken)).toBe(false);
  });
});
