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

/** The file name a Content-Disposition header suggests (RFC 6266: `filename*`, the UTF-8 one,
 * before the ASCII `filename`), or null without one. */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // A malformed escape: the plain name below is the fallback.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  if (!plain) return null;
  return (plain[1] ?? plain[2]).replace(/\\(.)/g, "$1") || null;
}
