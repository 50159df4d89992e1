/** Ask for a first draft of a deck from the upload: its title, the template, and what goes
 * behind the text (the template alone, the photo, or the photo with its text removed); then on
 * to the deck's page. */
import { useEffect, useState } from "preact/hooks";
import type { DeckFromUpload } from "../api/decks";
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

type Background = NonNullable<DeckFromUpload["background"]>;
// The photo with its text removed first: the API's default, and the draft that looks most like
// the photo without drawing its text twice.
const BACKGROUNDS: readonly Background[] = ["clean", "photo", "template"];

function BackgroundField(props: { value: Background; onChange: (value: Background) => void }) {
  return (
    <label>
      {t("draftBackground")}
      <select
        value={props.value}
        onChange={(event) => props.onChange(event.currentTarget.value as Background)}
      >
        {BACKGROUNDS.map((background) => (
          <option key={background} value={background}>
            {t(`draftBackground.${background}`)}
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
  const [background, setBackground] = useState<Background>("clean");
  const templateId = picked ?? templates[0]?.template_id ?? "";
  const { busy, error, onSubmit } = useSubmit(async () => {
    const request = {
      from_upload: props.uploadId,
      title,
      template_id: templateId,
      background,
      with_images: false, // the older name of `background: photo`; the type asks for it
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
      <BackgroundField value={background} onChange={setBackground} />
      <button type="submit" disabled={busy || !templateId}>
        {busy ? t("working") : t("draftSubmit")}
      </button>
      <Announced role="alert" lines={[error]} />
    </form>
  );
}
