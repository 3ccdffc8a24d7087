/** Why an action failed, announced to screen readers as it appears; nothing when it did not. */
export const Problem = ({ error }: { error: string | undefined }) =>
  error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
