/** A photo's page (issue 18): the page the OCR service's capture step made of a photo, whose
 * frame the image's boxes are in, served flattened at `links.page`; and
 * `PUT /v1/uploads/{id}/images/{image_id}/page` with the corners a person gives, which makes
 * the page again from them and reads the image again. */
import { api } from "./client";
import { blobUrl } from "./blobs";
import type { components } from "./schema";
import { linkVersion, type UploadImage } from "./uploads";

/** The image's `ocr.page`: where the page lies in the original (fractions of the upright
 * original, top-left, top-right, bottom-right, bottom-left; null when no document was found and
 * the photo was only uncurled), the page's pixels, and whether the corners were found or given. */
export type CapturedPage = components["schemas"]["CapturedPage"];
export type PageCorners = components["schemas"]["PageCorners"];

/** The image's page, when the capture step made one. */
export function capturedPage(image: UploadImage): CapturedPage | null {
  return image.ocr.page ?? null;
}

/** `links.page`, which carries `?v=N`: a new N each time the page is made again. */
export function pageLink(image: UploadImage): string | null {
  return image.links?.page ?? null;
}

/** Whether "Adjust page corners" is offered: for a stored photo (not a PDF's page) once its
 * upload has settled (`settled`: not processing), whatever the image's own status, since the
 * API takes a fix then; an image whose reading was given up on may show `processing` forever. */
export function cornersAdjustable(image: UploadImage, settled: boolean): boolean {
  return settled && image.page === null && image.storage.status === "stored";
}

/** The flattened page as an object URL, fetched with the link's `v` (which the OpenAPI document
 * declares), so a page made again is fetched anew, not from a cache. */
export async function pageUrl(uploadId: string, imageId: string, link: string) {
  const v = linkVersion(link);
  const answer = await api.GET("/v1/uploads/{upload_id}/images/{image_id}/page", {
    params: {
      path: { upload_id: uploadId, image_id: imageId },
      query: v === undefined ? undefined : { v },
    },
    parseAs: "blob",
  });
  return blobUrl(answer);
}

/** Make the page again from `corners` and read the image again: 202 with the image's detail
 * (status `processing`), or a problem (`upload-processing`, `not-a-photo`, invalid corners, a
 * `limit` on how often). */
export async function putPageCorners(uploadId: string, imageId: string, body: PageCorners) {
  return api.PUT("/v1/uploads/{upload_id}/images/{image_id}/page", {
    params: { path: { upload_id: uploadId, image_id: imageId } },
    body,
  });
}
