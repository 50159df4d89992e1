/** How a template looks on the canvas: the built-in templates' background, text colour, theme
 * font and accent shape as their .pptx files hold them (shared/jaryo_shared/templates and
 * scripts/templates/build_templates.py; theme.test.ts reads the .pptx files to keep this true). */
import type { Box } from "./geometry";

export interface Theme {
  font: string;
  background: string;
  text: string;
  /** The accent shape each built-in template draws on its master, or none. */
  accent: { color: string; box: Box } | null;
}

const SANS = "Noto Sans CJK KR";
const SERIF = "Noto Serif CJK KR";

const BUILTIN: Record<string, Theme> = {
  clean: theme(SANS, "#FFFFFF", "#1F2937", "#1F4E8C", { x: 0.04, y: 0.08, w: 0.006, h: 0.84 }),
  midnight: theme(SANS, "#0F172A", "#F1F5F9", "#2DD4BF", { x: 0, y: 0.97, w: 1, h: 0.03 }),
  paper: theme(SERIF, "#F7F1E3", "#3B2F2F", "#8B5E3C", { x: 0.04, y: 0.08, w: 0.006, h: 0.84 }),
  bold: theme(SANS, "#FFFFFF", "#111827", "#F0603C", { x: 0, y: 0, w: 1, h: 0.06 }),
};

/** A person's own template: its look is unknown to the app, so a plain white slide in the font
 * the deck service gives such decks (deck_service/handlers.py PRIVATE_TEMPLATE_FONT). */
const PRIVATE: Theme = theme(SANS, "#FFFFFF", "#000000", null, null);

export function themeOf(templateId: string): Theme {
  return BUILTIN[templateId] ?? PRIVATE;
}

/** The fonts a text box may name: those the deck service's machines (and the app) carry. */
export const FONTS = [SANS, SERIF];

/** The CSS family drawing a .pptx font name: the bundled Noto KR fonts (@fontsource) for the
 * Noto CJK names the templates use (same design, Korean subset), else the name itself. */
export function cssFamily(font: string): string {
  if (font === SANS) return `"Noto Sans KR", "${SANS}", sans-serif`;
  if (font === SERIF) return `"Noto Serif KR", "${SERIF}", serif`;
  return `"${font}", "Noto Sans KR", sans-serif`;
}

function theme(
  font: string,
  background: string,
  text: string,
  accent: string | null,
  box: Box | null,
): Theme {
  return { font, background, text, accent: accent && box ? { color: accent, box } : null };
}
