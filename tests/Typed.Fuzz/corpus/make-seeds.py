#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target (tests/Typed.Fuzz/corpus/<target>/) from the minimum regression corpus
of docs/protocol/bad-inputs.md (section G) plus a few valid inputs, so AFL++ starts from both sides of each check.
Run from anywhere; the files are committed, so this only needs running again when the catalogue grows. Inputs the
catalogue makes huge (500 000 packets, 100 000 brackets) are cut to a size AFL++ accepts (under 1 MB)."""
import os, struct

here = os.path.dirname(os.path.abspath(__file__))
RS = b"\x1e"

def text(s): return (0, s if isinstance(s, bytes) else s.encode())
def binary(b): return (1, b)
def frames(*items):
    """The FuzzFrames form: kind byte (0 text, 1 binary), 16-bit little-endian length, bytes."""
    return b"".join(bytes([k]) + struct.pack("<H", len(d)) + d for k, d in items)

BIN = b"\x01\x02\x03"
seeds = {
    "eio-packet": [b"", b"4hello", b"2probe", b"3probe", b"0", b"1", b"5", b"6", b"7", b"bAQIDBA==", b"b!!!notbase64***",
                   b"bAQIDBA=", b"bAQID BA==", b"b", b"4\xc3\x28", b"4" + "é".encode()],
    "eio-payload": [b"4hello" + RS + b"2" + RS + b"4world", b"", b"4a" + RS + RS + b"4b", b"4a" + RS + b"zz" + RS + b"4b",
                    b"b!!!notbase64***", (b"2" + RS) * 2000, b"0", b"5", b"6", b"1", b"4hello" + RS + b"bAQIDBA==",
                    b"4a" + RS, RS + b"4a", b"4\xff\xfe"],
    "sio-json": [frames(text(s)) for s in [
        '2[]', '2{"a":1}', '2[{"toString":"foo"}]', '2[true,"x"]', '2["connect"]', '2["disconnect","123"]', '2["error","x"]',
        '2[42,"x"]', '2 ["hello"]', '2-1["a"]', '2' + '9' * 400 + '["a"]', '7["x"]', '0[]', '0admin,{}', '0/admin', '1/admin,{}',
        '31"x"', '5', '51', '5a-', '51.23-', '5-1-', '50-["e"]', '511-["e"]', '51e3-["e"]', '0', '0/chat,{"token":"x"}',
        '2["hello",1,{"a":[1,2]}]', '2/chat,12["hi"]', '312[1]', '4{"message":"no"}', '4"x"', '1', '1/chat,',
    ]] + [
        frames(text('51-["e",{"_placeholder":true,"num":"splice"}]'), binary(BIN)),
        frames(text('51-["e",{"_placeholder":true,"num":1}]'), binary(BIN)),
        frames(text('51-["e",{"_placeholder":true,"num":0}]'), binary(BIN)),
        frames(text('52-["e",{"_placeholder":true,"num":0}]'), binary(BIN), binary(BIN)),
        frames(text('52-/chat,7["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'), binary(BIN), binary(b"")),
        frames(text('61-3[{"_placeholder":true,"num":0}]'), binary(BIN)),
        frames(binary(BIN)),
        frames(text('51-["e",{"_placeholder":true,"num":0}]'), text('2["x"]')),
        frames(text('2["e",' + '[' * 20000 + ']' * 20000 + ']')),
    ],
    "sio-msgpack": [bytes.fromhex(h) for h in [
        "dbffffffff616263", "ddffffffff", "dfffffffff", "c68000000000", "c7010500", "d4ff00", "c9ffffffff01", "c1", "9090",
        # {"type":2,"data":["hi",1],"nsp":"/"}, {"type":0,"nsp":"/chat"}, {"type":3,"data":[],"nsp":"/","id":7}
        "83a474797065 02 a464617461 92a2686901 a36e7370 a12f".replace(" ", ""),
        "82a474797065 00 a36e7370 a52f63686174".replace(" ", ""),
        "84a474797065 03 a464617461 90 a36e7370 a12f a26964 07".replace(" ", ""),
        # {"type":2,"data":["b",<bin 01 02 03>],"nsp":"/"} and an options key
        "84a474797065 02 a464617461 92a162c403010203 a36e7370 a12f a76f7074696f6e73 81a8636f6d7072657373c3".replace(" ", ""),
    ]] + [b"\x91" * 20000 + b"\xc0"],
    "handshake": [s.encode() for s in [
        "EIO=4&transport=polling", "EIO=4&transport=websocket", "transport=polling", "EIO=abc&transport=polling",
        "EIO=3&transport=polling", "EIO=5&transport=polling", "EIO=4", "EIO=4&transport=abc", "EIO=4&transport=polling&sid=x",
        "EIO=4&transport=polling&sid=" + "a" * 100, "EIO=4&EIO=4&transport=polling", "EIO=4&transport=polling&transport=websocket",
        "EIO=4&transport=polling&t=Nx1&b64=1", "EIO=4&transport=polling&j=0", "EIO=%34&transport=polling", "EIO=4&transport=polling%00",
        "&&&=&=", "EIO=4&transport=polling&sid=%zz",
    ]],
}

def ws_frame(opcode, payload, fin=True, mask=b"\x01\x02\x03\x04", rsv=0):
    first = (0x80 if fin else 0) | rsv | opcode
    n = len(payload)
    if n < 126: header = bytes([first, (0x80 if mask else 0) | n])
    elif n < 65536: header = bytes([first, (0x80 if mask else 0) | 126]) + struct.pack(">H", n)
    else: header = bytes([first, (0x80 if mask else 0) | 127]) + struct.pack(">Q", n)
    if not mask: return header + payload
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))

seeds["websocket"] = [
    ws_frame(1, b"4hello"), ws_frame(2, BIN), ws_frame(1, b"2probe") + ws_frame(1, b"5"),
    ws_frame(1, b"4hel", fin=False) + ws_frame(0, b"lo"),
    ws_frame(1, b"4x", rsv=0x20),  # RSV2 set
    ws_frame(1, b"4hello", mask=None),  # unmasked
    ws_frame(1, b"", fin=False) + ws_frame(0, b"", fin=False) * 40 + ws_frame(0, b""),  # empty continuation flood
    ws_frame(1, b"4\xc3\x28"),  # invalid UTF-8
    ws_frame(2, b"\x00" * 4097),  # one byte over the harness's 4096 limit
    ws_frame(8, struct.pack(">H", 1000)), ws_frame(9, b"ping") + ws_frame(1, b"4after"),
]

for target, inputs in seeds.items():
    folder = os.path.join(here, target)
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    for i, data in enumerate(inputs):
        with open(os.path.join(folder, f"seed-{i:03}"), "wb") as f:
            f.write(data)
    print(f"{target}: {len(inputs)} seeds")
