/** A labelled form field; the label is tied to the input for screen readers and clicks. */
import type { InputHTMLAttributes } from 'preact';

type InputProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string };

let counter = 0;

export function Field({ label, hint, id, ...input }: InputProps) {
  const inputId = (id as string | undefined) ?? `field-${++counter}`;
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <input id={inputId} aria-describedby={hint ? `${inputId}-hint` : undefined} {...input} />
      {hint && (
        <p class="hint" id={`${inputId}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}
