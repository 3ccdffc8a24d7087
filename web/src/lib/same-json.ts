/**
 * Whether two values read from the box are the same: equal JSON (the box writes an object's
 * keys in one order, and IndexedDB keeps them). Lists reloaded unchanged keep the objects held,
 * so nothing that shows them renders again.
 */
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
