/** Whether the box answers right now. */
import { signal } from '@preact/signals';

/** The WebSocket is up and resumed: what is shown is current. */
export const connected = signal(false);
