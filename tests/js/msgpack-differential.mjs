// Differential testing of Typed's MessagePack decoder against the reference socket.io-msgpack-parser 3.0.2
// (notepack.io 2.2.0). Reads JSON lines on stdin, one binary message each, and writes one JSON line per message on
// stdout, in order:
//   {"binary":"<base64>"} -> {"status":"packet","packet":{type,nsp,id,data}} | {"status":"error"}
// data is the decoded value as JSON: in an event or ack (types 2 and 3) every Buffer or ArrayBuffer is written
// {"$bin":"<base64>"} (Typed's side writes its placeholders the same way), in other packets it is JSON.stringify's
// (socket.io-parser never gives them attachments). undefined, Date, NaN... follow JSON.stringify in both cases.
// The .NET side is tests/Typed.SocketIO.Tests/MessagePackDifferentialTests.cs; deviations: docs/protocol/deviations.md.
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { withBinaries } from "./differential-values.mjs";

const require = createRequire(import.meta.url);
const { Decoder } = require("socket.io-msgpack-parser");

function decode(bytes) {
  const decoder = new Decoder();
  let decoded = null;
  decoder.on("decoded", (packet) => { decoded = packet; });
  try {
    decoder.add(bytes);
  } catch {
    return { status: "error" };
  }
  const { type, nsp, id, data } = decoded;
  const json = data === undefined ? null : JSON.parse(JSON.stringify(type === 2 || type === 3 ? withBinaries(data) : data) ?? "null");
  return { status: "packet", packet: { type, nsp, id: id ?? null, data: json } };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line) continue;
  const input = JSON.parse(line);
  process.stdout.write(JSON.stringify(decode(Buffer.from(input.binary, "base64"))) + "\n");
}
