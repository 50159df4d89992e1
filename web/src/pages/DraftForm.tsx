/** Ask for a first draft of a deck from the upload: its title, the template, whether the
 * images go behind the text; then on to the deck's page. */
import { useEffect, useState } from "preact/hooks";
import { listTemplates, type Template } from "../api/templates";
import type { UploadImage } from "../api/uploads";
import { Announced } from "../components/Announced";
import { t } from "../i18n";
import { navigate } from "../router";
import { useSubmit } from "../components/submitting";
import { draft } from "./drafting";
import type { Corrections } from "./ocrLines";
import { chosenTemplate } from "./templateChoice";

function useTemplates(): Template[] {
  const [templates, setTemplates] = useState<Template[]>([]);
  useEffect(() => {
    listTemplates().then(({ data }) => setTemplates(data?.items ?? []), () => undefined);
  }, []);
  return templates;
}

function TemplateField(props: {
  templates: Template[];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <label>
      {t("draftTemplate")}
      <select value={props.value} onChange={(event) => props.onChange(event.currentTarget.value)}>
        {props.templates.map((template) => (
          <option key={template.template_id} value={template.template_id}>
            {template.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function DraftForm(props: {
  uploadId: string;
  images: readonly UploadImage[];
  corrections: Corrections;
  defaultTitle: string;
}) {
  const templates = useTemplates();
  const [title, setTitle] = useState(props.defaultTitle);
  const [picked, setPicked] = useState<string | null>(chosenTemplate());
  const [withImages, setWithImages] = useState(false);
  const templateId = picked ?? templates[0]?.template_id ?? "";
  const { busy, error, onSubmit } = useSubmit(async () => {
    const request = {
      from_upload: props.uploadId,
      title,
      template_id: templateId,
      with_images: withImages,
    };
    const drafted = await draft(request, props.images, props.corrections);
    if ("error" in drafted) return drafted.error;
    navigate(`/decks/${drafted.deckId}`);
    return null;
  });
  return (
    <form onSubmit={onSubmit} aria-labelledby="draft-title">
      <h2 id="draft-title">{t("draftTitle")}</h2>
      <label>
        {t("deckTitle")}
        <input
          value={title}
          required
          maxLength={200}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
      </label>
      <TemplateField templates={templates} value={templateId} onChange={setPicked} />
      <label class="check">
        <input
          type="checkbox"
          checked={withImages}
          onChange={(e) => setWithImages(e.currentTarget.checked)}
        />
        {t("draftWithImages")}
      </label>
      <button type="submit" disabled={busy || !templateId}>
        {busy ? t("working") : t("draftSubmit")}
      </button>
      <Announced role="alert" lines={[error]} />
    </form>
  );
}
