/** Each image of an upload as its progress row: what was accepted, updated by every snapshot
 * the event stream sends. */
import type { Progress, ProgressImage } from "../api/uploadEvents";

export interface ImageRow {
  imageId: string;
  filename: string;
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

export function acceptedRows(images: { image_id: string; filename: string }[]): ImageRow[] {
  return images.map((image) => ({
    imageId: image.image_id,
    filename: image.filename,
    status: "queued",
    stored: false,
  }));
}

export function rowsFrom(progress: Progress): ImageRow[] {
  return progress.images.map((image) => ({
    imageId: image.image_id,
    filename: image.filename,
    status: image.status,
    stored: image.storage.status === "stored",
    reason: image.reason,
    code: image.code,
  }));
}

export function isFinished(status: string): boolean {
  return status === "completed" || status === "partial" || status === "failed";
}
