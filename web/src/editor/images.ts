/** The pictures a deck can place: the stored images of the deck's upload, the clean copies
 * (text removed) its `variant: clean` pictures show and the pages made of photos its
 * `variant: page` pictures show, fetched with the person's token (the API's image routes need
 * it, so no plain <img src>) into blob URLs. */
import { api } from "../api/client";
import { pageUrl } from "../api/pages";
import { backgroundUrl, imageUrl } from "../api/uploads";
import type { DeckSpec, ImageElement } from "./spec";

/** What the editor uses of an upload's image (the API's `Image`). */
export interface UploadImage {
  image_id: string;
  filename: string;
  original_filename: string | null;
  width: number | null;
  height: number | null;
  storage: { status: string };
  /** `background` only when the image has a clean copy; `page` only when the OCR's capture
   * step made a page of the photo. Each is fetched as the API links it: its `?v=N` is new each
   * time the image is read again, so no cache serves a copy or a page made before. */
  links?: { background?: string; page?: string };
}

export type Variant = ImageElement["variant"];

/** A picture as a slide places it: an image, as stored, as its clean copy or as its page. */
export interface Placed {
  image_id: string;
  variant?: Variant;
}

/** Where the loaded pictures are kept: one per image and variant. A spec stored before variants
 * existed has none on its pictures: those are originals. */
export function pictureKey(picture: Placed): string {
  return `${picture.image_id}:${picture.variant ?? "original"}`;
}

/** The image route each loaded picture comes from; a clean copy's and a page's with the link
 * the API gave (its `?v=N`). */
export type PictureSource =
  | { key: string; image_id: string; route: "original" }
  | { key: string; image_id: string; route: "background" | "page"; link: string };

/** Where a placed picture of a stored image comes from: a `clean` one from the image's clean
 * copy and a `page` one from its page when the API links them, else from the original, as the
 * deck service places them. */
function sourceOf(image: UploadImage, picture: Placed): PictureSource {
  const key = pictureKey(picture);
  const { background, page } = image.links ?? {};
  const variant = picture.variant ?? "original";
  if (variant === "clean" && background !== undefined)
    return { key, image_id: image.image_id, route: "background", link: background };
  if (variant === "page" && page !== undefined)
    return { key, image_id: image.image_id, route: "page", link: page };
  return { key, image_id: image.image_id, route: "original" };
}

/** What to fetch: every stored image's original (the picker offers them all), and each picture
 * the deck places in the variant it places (`sourceOf`). */
export function pictureSources(
  images: readonly UploadImage[],
  placed: Iterable<Placed>,
): PictureSource[] {
  const stored = new Map(
    images.filter((image) => image.storage.status === "stored").map((i) => [i.image_id, i]),
  );
  const sources = new Map<string, PictureSource>();
  const wanted: Placed[] = [...stored.keys()].map((image_id) => ({ image_id }));
  for (const picture of [...wanted, ...placed]) {
    const image = stored.get(picture.image_id);
    if (image) sources.set(pictureKey(picture), sourceOf(image, picture));
  }
  return [...sources.values()];
}

/** Every picture the spec places, each image and variant once. */
export function placedPictures(spec: DeckSpec): Placed[] {
  const placed = new Map<string, Placed>();
  for (const slide of spec.slides)
    for (const element of slide.elements ?? [])
      if (element.type === "image") placed.set(pictureKey(element), element);
  return [...placed.values()];
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

/** Loads each picture of `pictureSources` as an <img> on a blob URL, keyed by `pictureKey`. A
 * clean copy or a page that cannot be fetched shows the original instead. */
export async function loadImages(
  uploadId: string,
  images: readonly UploadImage[],
  placed: Iterable<Placed>,
): Promise<Map<string, HTMLImageElement>> {
  const names = new Map(images.map((i) => [i.image_id, i.original_filename ?? i.filename]));
  const fetched = new Map<string, Promise<HTMLImageElement | null>>();
  const fetchOnce = (source: PictureSource) => {
    const at = `${source.image_id}/${source.route}`;
    if (!fetched.has(at)) fetched.set(at, fetchImage(uploadId, source, names));
    return fetched.get(at)!;
  };
  const loaded = new Map<string, HTMLImageElement>();
  await Promise.all(
    pictureSources(images, placed).map(async (source) => {
      const original = { key: source.key, image_id: source.image_id, route: "original" } as const;
      const element =
        (await fetchOnce(source)) ??
        (source.route !== "original" ? await fetchOnce(original) : null);
      if (element) loaded.set(source.key, element);
    }),
  );
  return loaded;
}

async function fetchBlobUrl(uploadId: string, source: PictureSource): Promise<string | null> {
  if (source.route === "page") return pageUrl(uploadId, source.image_id, source.link);
  if (source.route === "background") return backgroundUrl(uploadId, source.image_id, source.link);
  return imageUrl(uploadId, source.image_id, "original");
}

async function fetchImage(
  uploadId: string,
  source: PictureSource,
  names: ReadonlyMap<string, string>,
): Promise<HTMLImageElement | null> {
  const url = await fetchBlobUrl(uploadId, source);
  if (url === null) return null;
  const element = new Image();
  element.src = url;
  element.alt = names.get(source.image_id) ?? "";
  await element.decode().catch(() => undefined);
  return element;
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
