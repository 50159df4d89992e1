/** The slide editor at /decks/{id}/edit: loads the deck's spec (with its ETag) and the pictures
 * of its upload, then edits the spec in place (pages/editor/*), autosaving every change. */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { SpecStore } from "../editor/autosave";
import { deckUpload, loadImages, placedPictures, type UploadImage } from "../editor/images";
import type { DeckSpec } from "../editor/spec";
import { deckSpecStore, LoadFailed } from "../editor/specStore";
import { t } from "../i18n";
import { attempt } from "./attempt";
import { Workspace } from "./editor/Workspace";
import "./editor/editor.css";

interface Loaded {
  spec: DeckSpec;
  etag: string | null;
  store: SpecStore;
}

export interface Pictures {
  uploadImages: readonly UploadImage[];
  /** By `pictureKey`: every stored image's original, and the clean copies the deck places. */
  loaded: ReadonlyMap<string, HTMLImageElement>;
}

const NO_PICTURES: Pictures = { uploadImages: [], loaded: new Map() };

export function EditorPage(props: { deckId: string }) {
  const [generation, setGeneration] = useState(0);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pictures = usePictures(loaded?.spec ?? null);

  useEffect(() => {
    setLoaded(null);
    setError(null);
    const store = deckSpecStore(props.deckId, t);
    void attempt(async () => {
      try {
        setLoaded({ ...(await store.load()), store });
        return null;
      } catch (failure) {
        if (!(failure instanceof LoadFailed)) throw failure;
        return failure.status === 404 ? t("editorNotFound") : failure.message;
      }
    }).then((message) => message && setError(message));
  }, [props.deckId, generation]);

  if (error) return <p role="alert" class="error">{error}</p>;
  if (!loaded) return <p role="status">{t("editorLoading")}</p>;
  return (
    <Workspace
      key={generation}
      initial={loaded.spec}
      etag={loaded.etag}
      store={loaded.store}
      pictures={pictures}
      reload={() => setGeneration((n) => n + 1)}
    />
  );
}

/** The deck's upload and its pictures, loaded once the spec is known (the editor works before). */
function usePictures(spec: DeckSpec | null): Pictures {
  const [pictures, setPictures] = useState(NO_PICTURES);
  const placed = useMemo(() => (spec ? placedPictures(spec) : null), [spec]);
  useEffect(() => {
    if (!placed) return;
    const named = new URLSearchParams(location.search).get("upload");
    const imageIds = new Set(placed.map((picture) => picture.image_id));
    void deckUpload(named, imageIds).then(async (upload) => {
      if (!upload) return;
      const loaded = await loadImages(upload.upload_id, upload.images, placed);
      setPictures({ uploadImages: upload.images, loaded });
    }).catch(() => undefined); // without pictures the deck can still be edited
  }, [placed]);
  return pictures;
}
