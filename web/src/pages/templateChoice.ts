/** The template the person picked on the templates page, offered first when they draft. */
let chosen: string | null = null;

export function chosenTemplate(): string | null {
  return chosen;
}

export function chooseTemplate(templateId: string): void {
  chosen = templateId;
}
