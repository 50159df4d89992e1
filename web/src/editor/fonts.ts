/** Web fonts for the canvas: a canvas does not ask the browser for a font's missing pieces (the
 * bundled Noto KR fonts come in slices by Unicode range), so the slide's text asks for them. */
// The paper template's serif, loaded with the editor only (the app's pages use the sans).
import "@fontsource/noto-serif-kr/400.css";
import "@fontsource/noto-serif-kr/700.css";
import type { Theme } from "./theme";
import { cssFamily } from "./theme";
import { elementsOf, isText, type Slide } from "./spec";

/** Resolves true once fonts the slide needed were loaded (so it should be drawn again), false
 * when everything was there already. */
export async function loadSlideFonts(slide: Slide, theme: Theme): Promise<boolean> {
  if (typeof document === "undefined" || !document.fonts) return false;
  const texts = new Map<string, string>();
  for (const element of elementsOf(slide).filter(isText)) {
    const weight = element.bold ? "700" : "400";
    const family = cssFamily(element.font ?? theme.font);
    const font = `${element.italic ? "italic " : ""}${weight} 16px ${family}`;
    texts.set(font, (texts.get(font) ?? "") + element.text);
  }
  const missing = [...texts].filter(([font, text]) => !document.fonts.check(font, text));
  if (missing.length === 0) return false;
  await Promise.all(missing.map(([font, text]) => document.fonts.load(font, text)));
  return true;
}
