/** Adding a private template: one .pptx with an optional name; the API's refusal (not a plain
 * .pptx, macros, too large, too many) is said in the person's language. */
import { useRef, useState } from "preact/hooks";
import { addTemplate, type Template } from "../api/templates";
import { Announced } from "../components/Announced";
import { t } from "../i18n";
import { useSubmit } from "../components/submitting";
import { refusalMessage } from "./failures";

const PPTX = ".pptx,application/vnd.openxmlformats-officedocument.presentationml.presentation";

function FileField(props: { onChange: (file: File | null) => void }) {
  return (
    <label>
      {t("templateFile")}
      <input
        type="file"
        accept={PPTX}
        required
        onChange={(event) => props.onChange(event.currentTarget.files?.[0] ?? null)}
      />
    </label>
  );
}

export function TemplateUpload(props: { onAdded: (template: Template) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const form = useRef<HTMLFormElement>(null);
  const { busy, error, onSubmit } = useSubmit(async () => {
    if (!file) return null;
    const { data, error, response } = await addTemplate(file, name, "");
    if (error !== undefined) return refusalMessage(error, response.status, t);
    props.onAdded(data);
    form.current?.reset(); // ready for the next one
    setFile(null);
    setName("");
    return null;
  });
  return (
    <form ref={form} onSubmit={onSubmit} aria-labelledby="add-template-title">
      <h2 id="add-template-title">{t("addTemplateTitle")}</h2>
      <FileField onChange={setFile} />
      <label>
        {t("templateName")}
        <input
          value={name}
          maxLength={100}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy || !file}>
        {busy ? t("working") : t("addTemplateSubmit")}
      </button>
      <Announced role="alert" lines={[error]} />
    </form>
  );
}
