/** A photo's page (issue 18): the page the OCR service's capture step made of a photo, whose
 * frame the image's boxes are in, served flattened at `links.page`; and
 * `PUT /v1/uploads/{id}/images/{image_id}/page` with the corners a person gives, which makes
 * the page again from them and reads the image again. */
import { api } from "./client";
import { blobUrl } from "./blobs";
import type { UploadImage } from "./uploads";

/** The image's `ocr.page`: where the page lies in the original (fractions of the upright
 * original, top-left, top-right, bottom-right, bottom-left; null when no document was found and
 * the photo was only uncurled), the page's pixels, and whether the corners were found or given. */
export interface CapturedPage {
  corners: number[][] | null;
  width: number;
  height: number;
  steps: string[];
  source: "found" | "person";
}

interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

// The page's routes come with issue 18's API work; until the served document has them, their
// calls are typed by hand here (as specStore.ts does for deck revisions).
type PagePath = "/v1/uploads/{upload_id}/images/{image_id}/page";
interface PageRoutes {
  GET(
    path: PagePath,
    init: { params: { path: ImagePath }; querySerializer: () => string; parseAs: "blob" },
  ): Promise<Answer>;
  PUT(path: PagePath, init: { params: { path: ImagePath }; body: PageCorners }): Promise<Answer>;
}
interface ImagePath {
  upload_id: string;
  image_id: string;
}
export interface PageCorners {
  corners: [number, number][];
}

const pageRoutes = api as unknown as PageRoutes;

/** The image's page, when the capture step made one. */
export function capturedPage(image: UploadImage): CapturedPage | null {
  const page = (image.ocr as { page?: CapturedPage | null }).page;
  return page ?? null;
}

/** `links.page`, which carries `?v=N`: a new N each time the page is made again. */
export function pageLink(image: UploadImage): string | null {
  return (image.links as { page?: string } | undefined)?.page ?? null;
}

/** A photo, not a PDF's page, stored and read (or failed reading): one a person can give
 * the page corners of. */
export function cornersAdjustable(image: UploadImage): boolean {
  const read = image.status === "done" || image.status === "failed";
  return read && image.page === null && image.storage.status === "stored";
}

/** The flattened page as an object URL; the link's query (`v`) is sent as it is, so a page made
 * again is fetched anew rather than from the browser's cache. */
export async function pageUrl(uploadId: string, imageId: string, link: string) {
  const query = link.includes("?") ? link.slice(link.indexOf("?") + 1) : "";
  const answer = await pageRoutes.GET("/v1/uploads/{upload_id}/images/{image_id}/page", {
    params: { path: { upload_id: uploadId, image_id: imageId } },
    querySerializer: () => query,
    parseAs: "blob",
  });
  return blobUrl(answer);
}

/** Make the page again from `corners` and read the image again: 202 with the image's detail
 * (status `processing`), or a problem (`upload-processing`, `not-a-photo`, invalid corners, a
 * `limit` on how often). */
export async function putPageCorners(uploadId: string, imageId: string, body: PageCorners) {
  return pageRoutes.PUT("/v1/uploads/{upload_id}/images/{image_id}/page", {
    params: { path: { upload_id: uploadId, image_id: imageId } },
    body,
  });
}
