/**
 * Request bodies are read here, once, before Remix, and never beyond
 * MAX_BODY_BYTES: the count runs while the bytes arrive, so a body without a
 * Content-Length (chunked) is stopped at the limit like one that declares its
 * size. Over the limit the client gets a small 413 page at once, nothing
 * more is read or kept, and the connection is closed shortly after (see
 * stopReading); under it, Remix gets the bytes already read, so nothing
 * reads the socket twice.
 *
 * No form of ours comes near the limit (app/forms/form.server.ts refuses the
 * same size again, for code that calls an action directly).
 */
import { Readable } from "node:stream";

/** The largest body accepted, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** After a 413, how long the connection stays open (unread) so the client can read the page. */
const LINGER_MS = 5_000;

/** Remix never reads these bodies (@remix-run/express leaves them out of the Request). */
const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

const TOO_LARGE_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Request too large · remix-cognito</title></head>
<body><main><h1>Request too large</h1><p>The form sent more data than this app accepts. Go back and try again.</p><p><a href="/">Go to the home page</a></p></main></body></html>`;

/**
 * Wraps an Express handler (the Remix one): it runs only once the whole body
 * is in, with a request whose body is those bytes.
 *
 * @param {(req: import("express").Request, res: import("express").Response, next: import("express").NextFunction) => unknown} handler
 * @param {number} [maxBytes]
 */
export function withBodyLimit(handler, maxBytes = MAX_BODY_BYTES) {
  return (req, res, next) => {
    if (BODYLESS_METHODS.has(req.method)) return handler(req, res, next);
    const declared = Number(req.headers["content-length"]);
    // Refused unread: the declared size is over.
    if (declared > maxBytes) return refuse(req, res);

    const chunks = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", stop);
      req.off("close", stop);
    };
    function onData(chunk) {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      chunks.length = 0;
      refuse(req, res);
    }
    function onEnd() {
      stop();
      handler(withBody(req, Buffer.concat(chunks, size)), res, next);
    }
    req.on("data", onData);
    req.on("end", onEnd);
    // The client went away mid-body: nothing to answer, nothing kept.
    req.on("error", stop);
    req.on("close", stop);
  };
}

/** 413, then close the connection rather than read the rest of the body. */
function refuse(req, res) {
  stopReading(req);
  res
    .status(413)
    .type("html")
    .set({
      Connection: "close",
      "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "Cache-Control": "no-store",
    })
    .send(TOO_LARGE_PAGE);
}

/**
 * Stops reading the body, and closes the connection a moment after the 413
 * is out.
 *
 * Reading stops because the request is paused: Node then stops reading the
 * socket once a few KiB are buffered, and the rest backs up in TCP.
 * `read(0)` marks the body as taken by us, so Node does not drain it
 * (IncomingMessage#_dump) once the answer is sent. Closing is deferred because Node closes a `Connection: close`
 * socket as soon as the answer is written (`destroySoon`), and closing with
 * body bytes unread makes the kernel reset the connection: a client that is
 * still uploading would lose the 413 page before it reads it (a browser shows
 * "connection reset" instead). So: send the page, half-close, and close for
 * good after LINGER_MS — sooner if the client closes first.
 */
function stopReading(req) {
  const socket = req.socket;
  req.pause();
  req.read(0);
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };
}

/**
 * The same request, whose body stream yields `body`: everything else
 * (headers, URL, socket, Express helpers) is the original request's; the
 * stream interface Remix reads the body through is a fresh stream over the
 * bytes already read.
 */
function withBody(req, body) {
  const stream = new Readable({ read() {} });
  stream.push(body);
  stream.push(null);
  return new Proxy(req, {
    get(target, property) {
      if (!isStreamProperty(stream, property)) return Reflect.get(target, property);
      const value = Reflect.get(stream, property);
      return typeof value === "function" ? value.bind(stream) : value;
    },
  });
}

function isStreamProperty(stream, property) {
  return property in Readable.prototype || Object.hasOwn(stream, property);
}
