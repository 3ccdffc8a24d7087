/**
 * The WebSocket endpoint `/api/v1/ws`. Authenticated at upgrade by the session cookie (then
 * the Origin must be this box, against cross-site hijacking) or a bearer token. Frames from
 * the client are small JSON objects, checked against a schema; anything else gets an error
 * frame, and binary or oversized frames close the socket, as does sending faster than
 * `socketFramesPerSecond`. An account or an address past its cap of sockets is closed at once
 * with 4003. Nothing a client sends can crash the process.
 */
import { Type } from '@sinclair/typebox';
import type { TemplatedApp } from 'uWebSockets.js';
import { ApiError } from '../core/errors.js';
import { Id } from '../core/fields.js';
import { topic } from '../core/op.js';
import { validate } from '../core/validate.js';
import { authenticate, sameOrigin } from '../http/authentication.js';
import { errorBody } from '../http/errors.js';
import type { Services } from '../http/services.js';
import { TokenBucket } from '../http/rate-limit.js';
import { CLOSE_TOO_MANY_SOCKETS, type Socket, type SocketState } from './hub.js';

const MAX_FRAME_BYTES = 16 * 1024;
const TYPING_INTERVAL_MS = 1000;
const CLOSE_UNSUPPORTED_DATA = 1003;
const CLOSE_POLICY_VIOLATION = 1008;
const FRAME_BURST_SECONDS = 5;

export const ClientFrame = Type.Union([
  Type.Object({ type: Type.Literal('resume'), since: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('typing'), channelId: Id, rootId: Type.Optional(Id) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('ping') }, { additionalProperties: false }),
  // The client's clock, so a box that booted without knowing the time learns it (core/box-time.ts).
  Type.Object({ type: Type.Literal('clock'), now: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
]);

const errorFrame = (error: ApiError) => JSON.stringify({ type: 'error', ...errorBody(error) });

/** `secure`: `app` is the HTTPS server. */
export function registerSocket(app: TemplatedApp, services: Services, secure: boolean): void {
  const { hub, log } = services;
  app.ws<SocketState>('/api/v1/ws', {
    maxPayloadLength: MAX_FRAME_BYTES,
    maxBackpressure: 1024 * 1024,
    closeOnBackpressureLimit: true,
    idleTimeout: 60,
    sendPingsAutomatically: true,
    upgrade(res, req, context) {
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      const session = authenticate(services, req.getHeader('cookie'), req.getHeader('authorization'), secure);
      const crossSite = session?.kind === 'cookie' && !sameOrigin(req.getHeader('origin'), req.getHeader('host'));
      if (!session || crossSite) {
        const error = crossSite
          ? new ApiError(403, 'cross_origin', 'This connection came from another site.')
          : new ApiError(401, 'unauthorized', 'Log in first.');
        res
          .writeStatus(error.status === 401 ? '401 Unauthorized' : '403 Forbidden')
          .writeHeader('Content-Type', 'application/json')
          .end(JSON.stringify(errorBody(error)));
        return;
      }
      const state: SocketState = {
        userId: session.user.id,
        sessionId: session.id,
        address: Buffer.from(res.getRemoteAddressAsText()).toString(),
        frames: new TokenBucket(services.config.socketFramesPerSecond, FRAME_BURST_SECONDS * services.config.socketFramesPerSecond),
        topics: new Set(),
        lastFeedSeq: -1,
        live: false,
        lastTypingAt: 0,
        replayQueued: false,
        attached: false,
        closed: false,
      };
      res.upgrade(state, key, protocol, extensions, context);
    },
    open(socket) {
      const state = socket.getUserData();
      // Refused after the upgrade rather than at it: a browser sees a close code, never an HTTP status.
      const refusal = hub.refusal(socket);
      if (refusal) {
        socket.end(CLOSE_TOO_MANY_SOCKETS, refusal);
        return;
      }
      const cameOnline = hub.attach(socket);
      socket.send(JSON.stringify({ type: 'hello', userId: state.userId, feedSeq: hub.currentFeedSeq(), online: hub.onlineSeenBy(socket) }));
      if (cameOnline) hub.announcePresence(state.userId, 'online', socket);
    },
    message(socket, message, isBinary) {
      if (isBinary) {
        socket.end(CLOSE_UNSUPPORTED_DATA, 'binary frames are not supported');
        return;
      }
      if (!socket.getUserData().frames.take()) {
        socket.end(CLOSE_POLICY_VIOLATION, 'too many frames: slow down');
        return;
      }
      try {
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.from(message).toString('utf8'));
        } catch {
          throw new ApiError(400, 'invalid_json', 'The frame is not valid JSON.');
        }
        handleFrame(services, socket, validate(ClientFrame, parsed, 'frame'));
      } catch (error) {
        if (error instanceof ApiError) socket.send(errorFrame(error));
        else {
          log.error({ err: error }, 'socket frame failed');
          socket.send(errorFrame(new ApiError(500, 'internal', 'Something went wrong on the server.')));
        }
      }
    },
    drain(socket) {
      hub.pump(socket);
    },
    close(socket) {
      const state = socket.getUserData();
      if (hub.detach(socket)) hub.announcePresence(state.userId, 'offline');
    },
  });
}

function handleFrame(services: Services, socket: Socket, frame: typeof ClientFrame.static): void {
  const state = socket.getUserData();
  switch (frame.type) {
    case 'resume': {
      const current = services.hub.currentFeedSeq();
      if (frame.since > current) {
        // The client's position is from another database (restored, or replaced): it must reload.
        socket.send(JSON.stringify({ type: 'reset', feedSeq: current }));
        services.hub.resume(socket, current);
      } else services.hub.resume(socket, frame.since);
      return;
    }
    case 'typing': {
      const now = performance.now(); // an interval: the monotonic clock, which no clock step moves
      if (!state.topics.has(topic.channel(frame.channelId)) || now - state.lastTypingAt < TYPING_INTERVAL_MS) return;
      state.lastTypingAt = now;
      services.hub.broadcast(
        topic.channel(frame.channelId),
        JSON.stringify({ type: 'typing', channelId: frame.channelId, rootId: frame.rootId ?? null, userId: state.userId }),
        socket,
      );
      return;
    }
    case 'ping':
      socket.send(JSON.stringify({ type: 'pong' }));
      return;
    case 'clock':
      services.boxTime.hear(state.userId, frame.now);
  }
}
