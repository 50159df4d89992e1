/** The uploads API: post images (multipart: `image_type`, then `images`), read one upload or a
 * page of them, delete one, and fetch an image's bytes for the page. */
import { api } from "./client";
import type { components } from "./schema";
import { blobUrl } from "./blobs";

export type UploadSummary = components["schemas"]["UploadSummary"];

export async function postUpload(files: readonly File[], imageType: string) {
  const form = new FormData();
  form.append("image_type", imageType);
  for (const file of files) form.append("images", file, file.name);
  return api.POST("/v1/uploads", {
    // The typed body only names the fields; the browser sends the form with its own boundary.
    body: {} as never,
    bodySerializer: () => form,
  });
}

/** The upload once it has finished, or as it stands after `seconds`. */
export async function waitForUpload(uploadId: string, seconds: number) {
  return api.GET("/v1/uploads/{upload_id}", {
    params: { path: { upload_id: uploadId }, query: { wait: seconds } },
  });
}

export async function listUploads(cursor: string | null) {
  return api.GET("/v1/uploads", { params: { query: { cursor: cursor ?? undefined } } });
}

export async function deleteUpload(uploadId: string) {
  return api.DELETE("/v1/uploads/{upload_id}", { params: { path: { upload_id: uploadId } } });
}

/** An upload as the client reads it (tuples such as boxes come back as plain arrays). */
export type Upload = NonNullable<Awaited<ReturnType<typeof waitForUpload>>["data"]>;
export type UploadImage = Upload["images"][number];

/** An image's bytes as an object URL (an <img src> cannot carry the token); null if not there. */
export async function imageUrl(
  uploadId: string,
  imageId: string,
  size: "thumbnail" | "original",
): Promise<string | null> {
  const path = { upload_id: uploadId, image_id: imageId };
  const answer =
    size === "thumbnail"
      ? await api.GET("/v1/uploads/{upload_id}/images/{image_id}/thumbnail", {
          params: { path },
          parseAs: "blob",
        })
      : await api.GET("/v1/uploads/{upload_id}/images/{image_id}/original", {
          params: { path },
          parseAs: "blob",
        });
  return blobUrl(answer);
}

/** A link's `v` (`links.page`, `links.background`): the reading its image was made by, new
 * each time the image is made again (so no cache serves an old one); undefined without one. */
export function linkVersion(link: string): string | undefined {
  const query = link.includes("?") ? link.slice(link.indexOf("?") + 1) : "";
  return new URLSearchParams(query).get("v") ?? undefined;
}

/** The image with its text removed as an object URL, fetched through `links.background`: with
 * the link's `v` (which the OpenAPI document declares), so a copy made again after a corner fix
 * is fetched anew, not from a cache. */
export async function backgroundUrl(uploadId: string, imageId: string, link: string) {
  const v = linkVersion(link);
  const answer = await api.GET("/v1/uploads/{upload_id}/images/{image_id}/background", {
    params: {
      path: { upload_id: uploadId, image_id: imageId },
      query: v === undefined ? undefined : { v },
    },
    parseAs: "blob",
  });
  return blobUrl(answer);
}
