/**
 * A Lucide icon, drawn inline as SVG in the text's colour. Icons are imported one by one by
 * name (`import { Search } from 'lucide'`), so the bundle keeps only the ones used. Always
 * decorative: the button or link around it carries the accessible name.
 */
import type { IconNode } from 'lucide';

export function Icon({ icon, class: className }: { icon: IconNode; class?: string }) {
  return (
    <svg
      class={`icon${className ? ` ${className}` : ''}`}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {icon.map(([tag, attrs], index) => {
        const Tag = tag as 'path';
        return <Tag key={index} {...(attrs as Record<string, string>)} />;
      })}
    </svg>
  );
}
