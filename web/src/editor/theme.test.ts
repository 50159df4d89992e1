import { describe, expect, it } from "vitest";
import { themeOf } from "./theme";
import { pythonJson } from "./testSupport";

// What each built-in template's .pptx holds: its master's background, its theme's text colour
// (dk1) and font, and the one shape on its master that is not a placeholder (the accent).
const READ_TEMPLATES = `
import json
from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from jaryo_shared.templates import BUILTIN

A = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
looks = {}
for template in BUILTIN.values():
    deck = Presentation(str(template.pptx_path))
    master = deck.slide_master
    theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
    width, height = deck.slide_width, deck.slide_height
    (accent,) = [s for s in master.shapes if not s.is_placeholder]
    looks[template.template_id] = {
        "font": theme.find(".//a:majorFont/a:latin", A).get("typeface"),
        "ea": theme.find(".//a:minorFont/a:ea", A).get("typeface"),
        "background": "#" + str(master.background.fill.fore_color.rgb),
        "text": "#" + theme.find(".//a:clrScheme/a:dk1/a:srgbClr", A).get("val"),
        "accent": "#" + str(accent.fill.fore_color.rgb),
        "box": [accent.left / width, accent.top / height,
                accent.width / width, accent.height / height],
    }
print(json.dumps(looks))
`;

describe("the templates' look on the canvas", () => {
  const templates = pythonJson(READ_TEMPLATES) as Record<string, Record<string, unknown>>;

  it.each(Object.keys(templates))("draws %s as its .pptx does", (templateId) => {
    const pptx = templates[templateId];
    const theme = themeOf(templateId);
    expect(theme.font).toBe(pptx.font);
    expect(theme.font).toBe(pptx.ea);
    expect(theme.background).toBe(pptx.background);
    expect(theme.text).toBe(pptx.text);
    expect(theme.accent?.color).toBe(pptx.accent);
    const [x, y, w, h] = pptx.box as number[];
    const box = theme.accent!.box;
    for (const [mine, theirs] of [[box.x, x], [box.y, y], [box.w, w], [box.h, h]])
      expect(mine).toBeCloseTo(theirs, 5);
  });

  it("knows every built-in template", () => {
    expect(Object.keys(templates).sort()).toEqual(["bold", "clean", "midnight", "paper"]);
  });

  it("draws a person's own template white, in the font the deck service gives it", () => {
    expect(themeOf("a-private-template")).toMatchObject({
      font: "Noto Sans CJK KR",
      background: "#FFFFFF",
      accent: null,
    });
  });
});
