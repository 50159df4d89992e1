/** The deployment's upload limits in words, and the files they refuse before anything is sent:
 * too many, too large, or neither an image nor a PDF. */
import type { AppConfig } from "../api/config";
import type { Translate } from "../i18n";

export function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${Number((bytes / 1_000_000).toFixed(1))} MB`;
  if (bytes >= 1_000) return `${Number((bytes / 1_000).toFixed(1))} kB`;
  return `${bytes} B`;
}

export function limitLines(config: AppConfig, t: Translate): string[] {
  return [
    t("limitCount", { count: config.max_images_per_upload }),
    t("limitSize", { size: formatBytes(config.max_image_bytes) }),
    t("limitFormats", { formats: config.image_formats.join(", ") }),
    t("limitPdf", {
      file: config.max_pdf_pages_per_file,
      upload: config.max_pdf_pages_per_upload,
    }),
  ];
}

/** Whether the API may take the file: an image or a PDF by its type or name. A file the browser
 * gives no type is let through: the API sniffs the bytes of every file anyway. */
export function isImageOrPdf(file: { name: string; type: string }): boolean {
  return (
    file.type === "" ||
    file.type.startsWith("image/") ||
    file.type === "application/pdf" ||
    /\.pdf$/i.test(file.name)
  );
}

/** Why these files cannot be sent as they are; empty when they may be. */
export function refusals(
  files: readonly { name: string; size: number; type: string }[],
  config: AppConfig,
  t: Translate,
): string[] {
  const found: string[] = [];
  if (files.length > config.max_images_per_upload) {
    found.push(t("tooManyFiles", { count: config.max_images_per_upload }));
  }
  for (const file of files) {
    if (file.size > config.max_image_bytes) {
      found.push(t("fileTooLarge", { name: file.name, size: formatBytes(config.max_image_bytes) }));
    }
    if (!isImageOrPdf(file)) found.push(t("notImageOrPdf", { name: file.name }));
  }
  return found;
}
