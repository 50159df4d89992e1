/** What this deployment accepts, as the gateway's settings say (served by gateway/web.py at
 * /app-config.json), so the upload page can state the limits before anything is sent. */

export interface AppConfig {
  max_images_per_upload: number;
  max_image_bytes: number;
  max_pdf_pages_per_file: number;
  max_pdf_pages_per_upload: number;
  image_types: string[];
  image_formats: string[];
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch("/app-config.json");
  if (!response.ok) throw new Error(`/app-config.json answered ${response.status}`);
  return (await response.json()) as AppConfig;
}
