/** Posting images as `POST /v1/uploads` documents it (multipart: `image_type`, then `images`),
 * and waiting for the upload to finish. */
import { api } from "./client";

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
