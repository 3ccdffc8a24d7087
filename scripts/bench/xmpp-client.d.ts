/**
 * The part of @xmpp/client (which ships no types) that the XMPP driver uses. DefinitelyTyped's
 * @types/xmpp__client would pull in 34 packages of types (koa, express...) for these lines.
 */
declare module '@xmpp/client' {
  export interface Element {
    readonly name: string;
    readonly attrs: Record<string, string | undefined>;
    is(name: string): boolean;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildText(name: string): string | null;
  }

  export interface XmppClient {
    on(event: 'stanza', listener: (stanza: Element) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    send(element: Element): Promise<void>;
    readonly reconnect: { stop(): void };
    readonly socket: { destroy(): void } | null;
  }

  export function client(options: { service: string; domain: string; resource?: string }): XmppClient;
  export function xml(name: string, attrs?: Record<string, string>, ...children: (Element | string)[]): Element;
}
