/** Templates: the built-in ones and the person's own as cards with their previews; one can be
 * picked for the next draft, a private one added or deleted. */
import { useEffect, useState } from "preact/hooks";
import { deleteTemplate, listTemplates, templatePreviewUrl, type Template } from "../api/templates";
import { Announced } from "../components/Announced";
import { AuthImage } from "../components/AuthImage";
import { ConfirmDelete } from "../components/ConfirmDelete";
import { t } from "../i18n";
import { chooseTemplate, chosenTemplate } from "./templateChoice";
import { TemplateUpload } from "./TemplateUpload";

function TemplateCard(props: {
  template: Template;
  chosen: boolean;
  onChoose: () => void;
  onDeleted: () => void;
}) {
  const { template } = props;
  return (
    <li class={`card template${props.chosen ? " chosen" : ""}`}>
      {template.preview_url ? (
        <AuthImage
          class="template-preview"
          alt={t("previewOf", { name: template.name })}
          cacheKey={template.template_id}
          load={() => templatePreviewUrl(template.template_id)}
        />
      ) : (
        <span class="template-preview placeholder">{t("noPreview")}</span>
      )}
      <h2>{template.name}</h2>
      <p>{template.private ? t("privateTemplate") : template.description}</p>
      <p class="actions">
        <button type="button" aria-pressed={props.chosen} onClick={props.onChoose}>
          {props.chosen ? t("templateChosen") : t("chooseTemplate", { name: template.name })}
        </button>
        {template.private && (
          <ConfirmDelete
            what={template.name}
            request={() => deleteTemplate(template.template_id)}
            onDeleted={props.onDeleted}
          />
        )}
      </p>
    </li>
  );
}

export function TemplatesPage() {
  const [templates, setTemplates] = useState<Template[]>([]);
  const [chosen, setChosen] = useState(chosenTemplate());
  useEffect(() => {
    listTemplates().then(({ data }) => setTemplates(data?.items ?? []), () => setTemplates([]));
  }, []);
  const choose = (id: string) => {
    chooseTemplate(id);
    setChosen(id);
  };
  const chosenName = templates.find((template) => template.template_id === chosen)?.name;
  return (
    <section>
      <h1>{t("templatesTitle")}</h1>
      <Announced
        role="status"
        lines={[chosenName ? t("templateChosenFor", { name: chosenName }) : null]}
      />
      <ul class="cards templates">
        {templates.map((template) => (
          <TemplateCard
            key={template.template_id}
            template={template}
            chosen={template.template_id === chosen}
            onChoose={() => choose(template.template_id)}
            onDeleted={() => setTemplates((all) => all.filter((other) => other !== template))}
          />
        ))}
      </ul>
      <TemplateUpload onAdded={(added) => setTemplates((all) => [...all, added])} />
    </section>
  );
}
