/** The pictures a deck can place: the stored images of the deck's upload, fetched with the
 * person's token (the API's image routes need it, so no plain <img src>) into blob URLs. */
import { api } from "../api/client";

/** What the editor uses of an upload's image (the API's `Image`). */
export interface UploadImage {
  image_id: string;
  filename: string;
  original_filename: string | null;
  width: number | null;
  height: number | null;
  storage: { status: string };
}

/** How many of the person's newest uploads are searched for the deck's pictures. */
const UPLOADS_SEARCHED = 10;

/** The upload the deck was drafted from: the one named (`?upload=`), else the newest one holding
 * a picture the deck places, else the person's newest upload; null when they have none. */
export async function deckUpload(named: string | null, imageIds: Set<string>) {
  if (named) return (await uploadOf(named)) ?? null;
  const { data } = await api.GET("/v1/uploads", { params: { query: { limit: UPLOADS_SEARCHED } } });
  let newest = null;
  for (const summary of data?.items ?? []) {
    const upload = await uploadOf(summary.upload_id);
    if (!upload) continue;
    newest ??= upload;
    if (upload.images.some((image) => imageIds.has(image.image_id))) return upload;
  }
  return newest;
}

async function uploadOf(uploadId: string) {
  const { data } = await api.GET("/v1/uploads/{upload_id}", {
    params: { path: { upload_id: uploadId } },
  });
  return data;
}

/** Loads each stored image as an <img> on a blob URL, keyed by image id. */
export async function loadImages(
  uploadId: string,
  images: readonly UploadImage[],
): Promise<Map<string, HTMLImageElement>> {
  const loaded = new Map<string, HTMLImageElement>();
  const stored = images.filter((image) => image.storage.status === "stored");
  await Promise.all(
    stored.map(async (image) => {
      const { data } = await api.GET("/v1/uploads/{upload_id}/images/{image_id}/original", {
        params: { path: { upload_id: uploadId, image_id: image.image_id } },
        parseAs: "blob",
      });
      if (!(data instanceof Blob)) return;
      const element = new Image();
      element.src = URL.createObjectURL(data);
      element.alt = image.original_filename ?? image.filename;
      await element.decode().catch(() => undefined);
      loaded.set(image.image_id, element);
    }),
  );
  return loaded;
}

/** A picture's box when added: centred, half the slide wide or high, in its own proportions. */
export function placedBox(width: number | null, height: number | null) {
  const aspect = width && height ? width / height : 16 / 9;
  const slideAspect = 16 / 9;
  const w = aspect >= slideAspect ? 0.5 : (0.5 * aspect) / slideAspect;
  const h = (w * slideAspect) / aspect;
  return { x: round((1 - w) / 2), y: round((1 - h) / 2), w: round(w), h: round(h) };
}

function round(value: number): number {
  return Number(value.toFixed(6));
}
