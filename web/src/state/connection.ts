/** Whether the box answers right now. */
import { computed, signal } from '@preact/signals';

/** How long a start may take to connect before the person is told they are offline. */
const START_GRACE_MS = 3000;

/** The WebSocket is up and resumed: what is shown is current. */
export const connected = signal(false);

/** A connection has been tried and has either come up or failed (set by live.ts), or the start's grace has passed. */
export const connectionTried = signal(false);
setTimeout(() => (connectionTried.value = true), START_GRACE_MS);

/**
 * What the offline banner shows: not connected, once a try has failed or the start's grace has
 * passed. Shown from the first frame, it came and went on every start that connected at once,
 * moving the whole screen down and up again.
 */
export const offline = computed(() => connectionTried.value && !connected.value);
