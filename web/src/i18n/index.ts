/** Picks the catalogue for the browser's language (Korean or English) and fills in `{names}`. */
import { en, type Catalogue, type MessageKey } from "./en";
import { ko } from "./ko";

const catalogues: Record<string, Catalogue> = { ko, en };

/** The first of the browser's languages we have a catalogue for; English otherwise. */
export function pickLanguage(preferred: readonly string[]): "ko" | "en" {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "ko" || base === "en") return base;
  }
  return "en";
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(language: string): Translate {
  const catalogue = catalogues[language] ?? en;
  return (key, values = {}) =>
    (catalogue[key] ?? en[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
}

export const language = pickLanguage(
  typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language],
);
export const t = translator(language);
export type { MessageKey };
