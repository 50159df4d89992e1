/** A labelled input of the account page's forms: a hint and the form's error tied to it
 * (`aria-describedby`), marked invalid when the error is about it. */
import type { Ref } from "preact";

export interface AccountFieldProps {
  label: string;
  name: string;
  type?: string;
  autocomplete: string;
  value: string;
  onInput: (value: string) => void;
  invalid: boolean;
  /** ids of the hint and the error line that describe the field */
  describedBy?: string;
  inputRef?: Ref<HTMLInputElement>;
}

export function AccountField(props: AccountFieldProps) {
  return (
    <label>
      {props.label}
      <input
        ref={props.inputRef}
        name={props.name}
        type={props.type ?? "password"}
        autocomplete={props.autocomplete}
        required
        value={props.value}
        aria-invalid={props.invalid ? "true" : undefined}
        aria-describedby={props.describedBy}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
    </label>
  );
}
