/** Dates as the person's language writes them. */
import { language } from "../i18n";

const format = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" });

export function when(iso: string | null | undefined, never: string): string {
  return iso ? format.format(new Date(iso)) : never;
}
