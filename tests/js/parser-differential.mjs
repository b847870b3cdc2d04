// Differential testing of Typed's decoders against the reference parsers (engine.io-parser, socket.io-parser).
// Reads JSON lines on stdin, one case each, and writes one JSON line per case on stdout, in order:
//   {"kind":"eio-packet","text":"4hello"}                 -> {"ok":true,"packets":[P]} | {"ok":false}
//   {"kind":"eio-payload","text":"4a\u001e4b"}            -> {"ok":true,"packets":[P,...]} | {"ok":false}
//     P = {"type":"message","text":"..."} or {"type":"message","binary":"<base64>"}
//   {"kind":"sio","frames":[{"text":"2[\"a\"]"},{"binary":"<base64>"}]}
//                                                         -> {"results":[R,...]}, one per frame, until the first error
//     R = {"status":"packet","packet":{type,nsp,id,data}} | {"status":"needmore"} | {"status":"error"}
//     Binary values in data are written {"$bin":"<base64>"} (Typed's side writes its placeholders the same way).
// The .NET side is tests/Typed.SocketIO.Tests/ParserDifferentialTests.cs; deviations: docs/protocol/deviations.md.
import { createInterface } from "node:readline";
import { decodePacket, decodePayload } from "engine.io-parser";
import { Decoder } from "socket.io-parser";
import { withBinaries } from "./differential-values.mjs";

const eioPacket = (p) =>
  typeof p.data === "string" || p.data === undefined
    ? { type: p.type, text: p.data ?? "" }
    : { type: p.type, binary: Buffer.from(p.data).toString("base64") };

function sio(frames) {
  const decoder = new Decoder();
  let decoded = null;
  decoder.on("decoded", (packet) => { decoded = packet; });
  const results = [];
  for (const frame of frames) {
    decoded = null;
    try {
      decoder.add(frame.text !== undefined ? frame.text : Buffer.from(frame.binary, "base64"));
    } catch {
      results.push({ status: "error" });
      break;
    }
    if (decoded) {
      const { type, nsp, id, data } = decoded;
      results.push({ status: "packet", packet: { type, nsp, id: id ?? null, data: data === undefined ? null : withBinaries(data) } });
    } else {
      results.push({ status: "needmore" });
    }
  }
  return { results };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line) continue;
  const input = JSON.parse(line);
  let output;
  if (input.kind === "eio-packet") {
    const p = decodePacket(input.text, "nodebuffer");
    output = p.type === "error" ? { ok: false } : { ok: true, packets: [eioPacket(p)] };
  } else if (input.kind === "eio-payload") {
    const packets = decodePayload(input.text, "nodebuffer");
    output = packets.some((p) => p.type === "error") ? { ok: false } : { ok: true, packets: packets.map(eioPacket) };
  } else {
    output = sio(input.frames);
  }
  process.stdout.write(JSON.stringify(output) + "\n");
}
