/** The pictures of the deck's upload, each a button that places it on the slide. */
import { pictureKey, type UploadImage } from "../../editor/images";
import { t } from "../../i18n";

export function ImagePicker(props: {
  images: readonly UploadImage[];
  loaded: ReadonlyMap<string, HTMLImageElement>;
  pick(image: UploadImage): void;
}) {
  const original = (image: UploadImage) => props.loaded.get(pictureKey(image));
  const usable = props.images.filter((image) => original(image) !== undefined);
  return (
    <section class="image-picker" aria-labelledby="image-picker-title">
      <h2 id="image-picker-title">{t("editorPictures")}</h2>
      {usable.length === 0 ? (
        <p>{t("editorNoImages")}</p>
      ) : (
        <ul>
          {usable.map((image) => {
            const name = image.original_filename ?? image.filename;
            return (
              <li key={image.image_id}>
                <button type="button" class="image-choice" onClick={() => props.pick(image)}>
                  <img src={original(image)!.src} alt="" />
                  <span>{name}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
