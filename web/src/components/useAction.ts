/**
 * Runs an action from a form or button, tracks that it is busy, and turns its failure into a
 * message for people: the server's own sentence, or "cannot reach the box".
 */
import { useState } from 'preact/hooks';
import { hasMessage, t } from '../i18n';
import { ApiError } from '../net/api';

export function errorMessage(error: unknown): string {
  // Codes people meet in these screens are translated; a rarer one shows the server's sentence.
  if (error instanceof ApiError)
    return hasMessage(`error.${error.code}`) ? t(`error.${error.code}` as never) : error.message || t('error.generic');
  return t('error.unreachable');
}

export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      await action(...args);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
