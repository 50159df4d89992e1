/** An image the API serves only with the person's token: fetched, shown from an object URL,
 * and the URL released when the image leaves the page. */
import { useEffect, useState } from "preact/hooks";

export function useObjectUrl(load: () => Promise<string | null>, key: string): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let current: string | null = null;
    let live = true;
    load().then(
      (loaded) => {
        current = loaded;
        if (live) setUrl(loaded);
        else if (loaded) URL.revokeObjectURL(loaded);
      },
      () => undefined,
    );
    return () => {
      live = false;
      if (current) URL.revokeObjectURL(current);
    };
  }, [key]);
  return url;
}

export function AuthImage(props: {
  load: () => Promise<string | null>;
  cacheKey: string;
  alt: string;
  class?: string;
}) {
  const url = useObjectUrl(props.load, props.cacheKey);
  if (!url) return <span class={`${props.class ?? ""} placeholder`} aria-hidden="true" />;
  return <img src={url} alt={props.alt} class={props.class} />;
}
