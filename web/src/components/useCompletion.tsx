/**
 * Completing a word being typed in a text area, as a combobox: the word before the caret is
 * matched against each completer's pattern (`@bo` for people, `~we` for channels), the first
 * that matches lists its suggestions, arrow keys move through them, Enter or Tab inserts the
 * chosen one, Escape closes the list. The text area keeps focus throughout and points at the
 * highlighted option with aria-activedescendant, so screen readers follow along.
 */
import type { ComponentChildren, RefObject } from 'preact';
import { useState } from 'preact/hooks';

export interface Suggestion {
  readonly key: string;
  /** What replaces the typed word, such as `@bob` or `~weather`. */
  readonly insert: string;
  readonly content: ComponentChildren;
}

export interface Completer {
  /** The word at the caret: group 1 what precedes it, group 2 the part typed after the trigger. */
  readonly pattern: RegExp;
  readonly label: string;
  suggest(typed: string): Suggestion[];
}

const MAX_SUGGESTIONS = 6;

export function useCompletion(
  completers: readonly Completer[],
  area: RefObject<HTMLTextAreaElement | null>,
  listId: string,
  setText: (value: string) => void,
) {
  const [open, setOpen] = useState<{ completer: Completer; suggestions: Suggestion[] } | undefined>(undefined);
  const [active, setActive] = useState(0);
  const suggestions = open?.suggestions ?? [];

  const update = (value: string, caret: number) => {
    const before = value.slice(0, caret);
    for (const completer of completers) {
      const match = completer.pattern.exec(before);
      if (!match) continue;
      const found = completer.suggest(match[2]!.toLowerCase()).slice(0, MAX_SUGGESTIONS);
      setOpen(found.length > 0 ? { completer, suggestions: found } : undefined);
      setActive(0);
      return;
    }
    setOpen(undefined);
  };

  const choose = (suggestion: Suggestion) => {
    const element = area.current!;
    const caret = element.selectionStart;
    const before = element.value.slice(0, caret).replace(open!.completer.pattern, (_word, lead: string) => `${lead}${suggestion.insert} `);
    setText(before + element.value.slice(caret));
    setOpen(undefined);
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(before.length, before.length);
    });
  };

  /** True when the key was the list's to handle. */
  const onKeyDown = (event: KeyboardEvent): boolean => {
    if (suggestions.length === 0) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      setActive((active + (event.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      choose(suggestions[active]!);
    } else if (event.key === 'Escape') {
      setOpen(undefined);
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  };

  const inputProps = {
    'aria-autocomplete': 'list' as const,
    'aria-controls': suggestions.length > 0 ? listId : undefined,
    'aria-activedescendant': suggestions.length > 0 ? `${listId}-${active}` : undefined,
  };

  const list = suggestions.length > 0 && (
    <ul class="suggestions" role="listbox" id={listId} aria-label={open!.completer.label}>
      {suggestions.map((suggestion, index) => (
        <li
          key={suggestion.key}
          id={`${listId}-${index}`}
          role="option"
          aria-selected={index === active}
          onMouseDown={(event) => (event.preventDefault(), choose(suggestion))}
        >
          {suggestion.content}
        </li>
      ))}
    </ul>
  );

  return { update, onKeyDown, inputProps, list };
}
