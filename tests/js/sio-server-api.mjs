// Drives the official socket.io-client 4.8.4 (and, for the compression checks, raw Node http and the `ws` package
// engine.io-client uses) against a server set up by the C# test (ServerApiInteropTests), one scenario per run.
//
//   node sio-server-api.mjs <baseUrl> <scenario> [polling|websocket]
//
// Scenarios:
//   operators   connects, answers `ask` only when asked "answer", records `a`/`b`/`c`, emits `ready`; prints what
//               arrived once `c` did.
//   close       connects without reconnection, emits `ready`, records the disconnect reason, then tries a new
//               connection and records its connect_error.
//   dynamic     connects to /tenant-a with auth {key: "/tenant-a"} and to /tenant-b with auth {key: "wrong"}.
//   http-compression  raw polling requests with and without Accept-Encoding; records Content-Encoding and whether
//               the decompressed body holds the `big` event.
//   deflate     a raw `ws` WebSocket (which offers permessage-deflate by default): the negotiated extensions, then
//               the socket.io-client over WebSocket receiving the `big` event.
//
// stdout: one JSON line. A 20 s watchdog ends the process.

import http from "node:http";
import zlib from "node:zlib";
import { io } from "socket.io-client";
import WebSocket from "ws";

const [baseUrl, scenario, mode = "websocket"] = process.argv.slice(2);
const transports = mode === "polling" ? ["polling"] : ["websocket"];
setTimeout(() => {
  process.stdout.write(JSON.stringify({ error: "watchdog" }) + "\n");
  process.exit(1);
}, 20_000).unref();

const done = (result) => {
  process.stdout.write(JSON.stringify(result) + "\n");
  setTimeout(() => process.exit(0), 100);
};

const once = (emitter, event) => new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));

function get(path, headers) {
  return new Promise((resolve, reject) => {
    http.get(baseUrl + path, { headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, status: res.statusCode, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

function post(path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(baseUrl + path, { method: "POST", headers: { "content-type": "text/plain" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function decode(response) {
  const encoding = response.headers["content-encoding"] ?? null;
  const body = encoding === "gzip" ? zlib.gunzipSync(response.body)
    : encoding === "deflate" ? zlib.inflateSync(response.body)
    : response.body;
  return { encoding, text: body.toString("utf8") };
}

async function pollUntilBig(sid, headers) {
  // The CONNECT reply and the `big` event may come in one payload or two.
  for (let i = 0; i < 5; i++) {
    const response = await get(`/socket.io/?EIO=4&transport=polling&sid=${sid}`, headers);
    const { encoding, text } = decode(response);
    if (text.includes("big")) return { encoding, length: text.length, hasBig: text.includes("x".repeat(2000)) };
  }
  return { encoding: null, length: 0, hasBig: false };
}

async function pollingSession(headers) {
  const open = decode(await get("/socket.io/?EIO=4&transport=polling", headers));
  const sid = JSON.parse(open.text.slice(1)).sid;
  await post(`/socket.io/?EIO=4&transport=polling&sid=${sid}`, "40");
  const big = await pollUntilBig(sid, headers);
  return { handshakeEncoding: open.encoding, ...big };
}

switch (scenario) {
  case "operators": {
    const socket = io(baseUrl, { transports, reconnection: false });
    const received = [];
    socket.on("ask", (question, ack) => {
      if (question === "answer") ack("yes");
    });
    socket.onAny((name) => {
      if (name === "a" || name === "b" || name === "c") received.push(name);
      if (name === "c") {
        socket.close();
        done({ received });
      }
    });
    socket.on("connect", () => socket.emit("ready"));
    break;
  }
  case "close": {
    const socket = io(baseUrl, { transports, reconnection: false });
    await once(socket, "connect");
    socket.emit("ready");
    const [reason] = await once(socket, "disconnect");
    const again = io(baseUrl, { transports, reconnection: false, forceNew: true });
    const [error] = await once(again, "connect_error");
    again.close();
    done({ reason, retryRefused: true, retryError: error.message });
    break;
  }
  case "dynamic": {
    const accepted = io(baseUrl + "/tenant-a", { transports, reconnection: false, auth: { key: "/tenant-a" } });
    const refused = io(baseUrl + "/tenant-b", { transports, reconnection: false, auth: { key: "wrong" }, forceNew: true });
    const [acceptedResult, refusedResult] = await Promise.all([
      Promise.race([once(accepted, "connect").then(() => "connected"), once(accepted, "connect_error").then(([e]) => "error:" + e.message)]),
      Promise.race([once(refused, "connect").then(() => "connected"), once(refused, "connect_error").then(([e]) => "error:" + e.message)]),
    ]);
    accepted.close();
    refused.close();
    done({ accepted: acceptedResult, refused: refusedResult });
    break;
  }
  case "http-compression": {
    const gzip = await pollingSession({ "accept-encoding": "gzip, deflate" });
    const deflate = await pollingSession({ "accept-encoding": "deflate" });
    const none = await pollingSession({});
    done({ gzip, deflate, none });
    break;
  }
  case "deflate": {
    const raw = new WebSocket(baseUrl.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket");
    await once(raw, "open");
    const extensions = raw.extensions;
    raw.close();
    const socket = io(baseUrl, { transports: ["websocket"], reconnection: false });
    const [payload] = await once(socket, "big");
    socket.close();
    done({ extensions, bigLength: payload.length });
    break;
  }
  default:
    done({ error: `unknown scenario ${scenario}` });
}
