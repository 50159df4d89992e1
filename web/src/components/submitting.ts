/** A form's submit: busy while the step runs, then the step's refusal (or the network line)
 * to show, or nothing when it went through. */
import { useState } from "preact/hooks";
import { attempt } from "../pages/attempt";

export function useSubmit(step: () => Promise<string | null>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setError(await attempt(step));
    setBusy(false);
  };
  return { busy, error, onSubmit };
}
