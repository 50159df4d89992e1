/** Bytes the API serves only with the person's token (images, previews, the .pptx), handed to
 * the page as object URLs, since <img src> and <a href> cannot send an Authorization header. */

export function blobUrl(answer: { data?: unknown; response: Response }): string | null {
  if (!answer.response.ok || !(answer.data instanceof Blob)) return null;
  return URL.createObjectURL(answer.data);
}

/** Saves an object URL as a file, as a download link would. */
export function saveAs(url: string, filename: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
}
