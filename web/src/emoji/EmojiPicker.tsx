/** The emoji picker (a lazy chunk): a filterable grid; arrow keys move, Enter picks. */
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { EMOJI } from './emoji-data';

// One button per character: its first name in the table (aliases such as plus1, +1 or boat
// stay valid names for reactions typed by hand).
const NAMES = Object.keys(EMOJI).filter((name, at, all) => all.findIndex((other) => EMOJI[other] === EMOJI[name]) === at);

export default function EmojiPicker({ onPick }: { onPick: (name: string) => void }) {
  const [filter, setFilter] = useState('');
  const grid = useRef<HTMLDivElement>(null);
  const shown = NAMES.filter((name) => name.includes(filter.toLowerCase().replace(/^:/, '')));
  const move = (event: KeyboardEvent) => {
    const buttons = [...(grid.current?.querySelectorAll('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 8, ArrowUp: -8 }[event.key];
    if (step === undefined || at < 0) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, at + step))]?.focus();
  };
  return (
    <div class="emoji-picker">
      <input
        type="search"
        aria-label={t('emoji.filter')}
        placeholder={t('emoji.filter')}
        value={filter}
        onInput={(event) => setFilter(event.currentTarget.value)}
        autoFocus
      />
      <div class="emoji-grid" ref={grid} role="group" aria-label={t('emoji.title')} onKeyDown={move}>
        {shown.map((name) => (
          <button type="button" key={name} title={`:${name}:`} aria-label={name.replace(/_/g, ' ')} onClick={() => onPick(name)}>
            {EMOJI[name]}
          </button>
        ))}
      </div>
    </div>
  );
}
