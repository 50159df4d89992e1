/** Each image of an upload as its progress row: what was accepted, updated by every snapshot
 * the event stream sends. */
import type { Progress, ProgressImage } from "../api/uploadEvents";
import type { Translate } from "../i18n";

export interface ImageRow {
  imageId: string;
  filename: string;
  /** The page of the PDF the image was made from (1-based); null for a photo. */
  page: number | null;
  status: ProgressImage["status"];
  stored: boolean;
  reason?: string;
  code?: string;
}

/** The value of a row's progress bar: queued 0, processing 1, finished (done or failed) 2. */
export const STEPS = 2;
export function step(status: ImageRow["status"]): number {
  return status === "queued" ? 0 : status === "processing" ? 1 : 2;
}

/** An image's `page`: a whole number from 1 for an image made from a PDF's page, else null
 * (a photo; or an API older than PDF uploads, whose images have no `page`). */
export function pageOf(image: object): number | null {
  const page = (image as { page?: unknown }).page;
  return typeof page === "number" && Number.isInteger(page) && page >= 1 ? page : null;
}

/** An image's name for screen readers and labels: a PDF's pages share the PDF's name, so the
 * page tells them apart. */
export function nameWithPage(name: string, page: number | null, t: Translate): string {
  return page === null ? name : t("pageOfFile", { name, page });
}

export function acceptedRows(images: { image_id: string; filename: string }[]): ImageRow[] {
  return images.map((image) => ({
    imageId: image.image_id,
    filename: image.filename,
    page: pageOf(image),
    status: "queued",
    stored: false,
  }));
}

/** The rows of a snapshot; an image's page is kept from the rows before when the snapshot
 * does not say it (the stream's light view may leave it out). */
export function rowsFrom(progress: Progress, before: readonly ImageRow[] = []): ImageRow[] {
  const pages = new Map(before.map((row) => [row.imageId, row.page]));
  return progress.images.map((image) => ({
    imageId: image.image_id,
    filename: image.filename,
    page: pageOf(image) ?? pages.get(image.image_id) ?? null,
    status: image.status,
    stored: image.storage.status === "stored",
    reason: image.reason,
    code: image.code,
  }));
}

export function isFinished(status: string): boolean {
  return status === "completed" || status === "partial" || status === "failed";
}
