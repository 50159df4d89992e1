/** The templates API: the built-in ones and the person's own, their previews, adding a private
 * .pptx and deleting it. */
import { api } from "./client";
import { blobUrl } from "./blobs";
import type { components } from "./schema";

export type Template = components["schemas"]["Template"];

export async function listTemplates() {
  return api.GET("/v1/templates");
}

export async function templatePreviewUrl(templateId: string): Promise<string | null> {
  const answer = await api.GET("/v1/templates/{template_id}/preview", {
    params: { path: { template_id: templateId } },
    parseAs: "blob",
  });
  return blobUrl(answer);
}

export async function addTemplate(file: File, name: string, description: string) {
  const form = new FormData();
  form.append("template", file, file.name);
  if (name) form.append("name", name);
  if (description) form.append("description", description);
  return api.POST("/v1/templates", { body: {} as never, bodySerializer: () => form });
}

export async function deleteTemplate(templateId: string) {
  return api.DELETE("/v1/templates/{template_id}", {
    params: { path: { template_id: templateId } },
  });
}
