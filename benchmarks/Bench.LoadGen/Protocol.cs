using System.Text;

namespace Bench.LoadGen;

/// <summary>What one received record is, as far as the workloads care.</summary>
public enum Kind
{
    /// <summary>Nothing a workload counts (the Engine.IO open packet, a noop, a SignalR close…).</summary>
    Ignore,

    /// <summary>The answer to a request: a Socket.IO ack, a SignalR completion, a raw echo/answer.</summary>
    Reply,

    /// <summary>A server-initiated message: an emit, a SignalR invocation, a raw data/broadcast message.</summary>
    Data,

    /// <summary>The protocol handshake finished (Socket.IO CONNECT reply, SignalR handshake response).</summary>
    Connected,

    /// <summary>The server's <c>3probe</c> during an Engine.IO upgrade.</summary>
    Probe,

    /// <summary>A heartbeat the client must answer with <see cref="Protocol.Pong"/>.</summary>
    Ping,

    /// <summary>A refusal (Socket.IO CONNECT_ERROR, SignalR handshake error).</summary>
    Error,
}

/// <summary>
/// One wire protocol, spoken with hand-built frames: every request is a byte array built once and reused, so the
/// load generator's cost per message is the same whichever server it drives. Request ids cycle through
/// <see cref="Slots"/> values (the window never exceeds it), so ids are distinct among the requests in flight.
/// </summary>
public abstract class Protocol
{
    public const int Slots = 128;

    private readonly byte[][] _echo = new byte[Slots][];
    private readonly byte[][] _barrier = new byte[Slots][];
    private readonly byte[][] _emits = new byte[Slots][];

    protected void Build()
    {
        for (var i = 0; i < Slots; i++)
        {
            _echo[i] = BuildEcho(i);
            _barrier[i] = BuildBarrier(i);
            _emits[i] = BuildEmits(i, EmitsPerRequest);
        }

        FireAndForget = BuildFireAndForget();
        Broadcast = BuildBroadcast();
    }

    public const int EmitsPerRequest = 1000;

    public static readonly byte[] Payload = "{\"id\":12345,\"user\":\"bench-user\",\"text\":\"hello, world!\",\"ok\":true}"u8.ToArray();

    public abstract string Name { get; }

    /// <summary>The first message after the WebSocket opens, or null.</summary>
    public abstract byte[]? Hello { get; }

    public abstract byte[] Pong { get; }

    public byte[] FireAndForget { get; private set; } = [];

    public byte[] Broadcast { get; private set; } = [];

    public byte[] Echo(long sequence) => _echo[sequence % Slots];

    public byte[] Barrier(long sequence) => _barrier[sequence % Slots];

    public byte[] Emits(long sequence) => _emits[sequence % Slots];

    public abstract Uri WebSocketUri(int port, string? sessionId = null);

    /// <summary>Splits one received message into records and classifies each.</summary>
    public abstract void Classify(ReadOnlySpan<byte> message, List<Kind> kinds);

    protected abstract byte[] BuildEcho(int id);

    protected abstract byte[] BuildBarrier(int id);

    protected abstract byte[] BuildEmits(int id, int count);

    protected abstract byte[] BuildFireAndForget();

    protected abstract byte[] BuildBroadcast();

    protected static byte[] Concat(string before, string after) =>
        [.. Encoding.UTF8.GetBytes(before), .. Payload, .. Encoding.UTF8.GetBytes(after)];

    public static Protocol For(string system) => system switch
    {
        "typed" or "node" => SocketIOProtocol.Instance,
        "signalr" => SignalRProtocol.Instance,
        "rawws" => RawProtocol.Instance,
        _ => throw new ArgumentException($"unknown system {system}"),
    };
}

/// <summary>Engine.IO v4 / Socket.IO v5 text frames: <c>40</c>, <c>42["echo",{…}]</c>, <c>42&lt;id&gt;[…]</c> → <c>43&lt;id&gt;[…]</c>, ping <c>2</c> → pong <c>3</c>.</summary>
public sealed class SocketIOProtocol : Protocol
{
    public static readonly SocketIOProtocol Instance = new();

    private SocketIOProtocol() => Build();

    public override string Name => "socket.io";

    public override byte[]? Hello { get; } = "40"u8.ToArray();

    public override byte[] Pong { get; } = "3"u8.ToArray();

    public static readonly byte[] Probe = "2probe"u8.ToArray();

    public static readonly byte[] Upgrade = "5"u8.ToArray();

    public override Uri WebSocketUri(int port, string? sessionId = null) => new(sessionId is null
        ? $"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
        : $"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket&sid={sessionId}");

    public override void Classify(ReadOnlySpan<byte> message, List<Kind> kinds)
    {
        if (message.IsEmpty)
        {
            return;
        }

        kinds.Add(message[0] switch
        {
            (byte)'2' => Kind.Ping,
            (byte)'3' when message.Length == 6 => Kind.Probe,
            (byte)'4' when message.Length > 1 => message[1] switch
            {
                (byte)'3' => Kind.Reply,
                (byte)'2' => Kind.Data,
                (byte)'0' => Kind.Connected,
                (byte)'4' => Kind.Error,
                _ => Kind.Ignore,
            },
            _ => Kind.Ignore,
        });
    }

    protected override byte[] BuildEcho(int id) => Concat($"42{id}[\"echo\",", "]");

    protected override byte[] BuildBarrier(int id) => Encoding.UTF8.GetBytes($"42{id}[\"barrier\"]");

    protected override byte[] BuildEmits(int id, int count) => Encoding.UTF8.GetBytes($"42{id}[\"emits\",{count}]");

    protected override byte[] BuildFireAndForget() => Concat("42[\"ff\",", "]");

    protected override byte[] BuildBroadcast() => Concat("42[\"bcast\",", "]");
}

/// <summary>The SignalR JSON hub protocol: records ending in 0x1E, several per WebSocket message.</summary>
public sealed class SignalRProtocol : Protocol
{
    public static readonly SignalRProtocol Instance = new();

    private SignalRProtocol() => Build();

    public override string Name => "signalr";

    public override byte[]? Hello { get; } = "{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray();

    public override byte[] Pong { get; } = "{\"type\":6}\u001e"u8.ToArray();

    public override Uri WebSocketUri(int port, string? sessionId = null) => new(sessionId is null
        ? $"ws://127.0.0.1:{port}/hub"
        : $"ws://127.0.0.1:{port}/hub?id={Uri.EscapeDataString(sessionId)}");

    public override void Classify(ReadOnlySpan<byte> message, List<Kind> kinds)
    {
        while (!message.IsEmpty)
        {
            var end = message.IndexOf((byte)0x1e);
            var record = end < 0 ? message : message[..end];
            message = end < 0 ? default : message[(end + 1)..];

            // {"type":N…  — the server always writes "type" first; the handshake answer is {} or {"error":…}.
            if (record.Length >= 9 && record[2] == (byte)'t')
            {
                kinds.Add(record[8] switch
                {
                    (byte)'3' => Kind.Reply,
                    (byte)'1' => Kind.Data,
                    (byte)'6' => Kind.Ping,
                    _ => Kind.Ignore,
                });
            }
            else if (record.SequenceEqual("{}"u8))
            {
                kinds.Add(Kind.Connected);
            }
            else if (record.Length > 0)
            {
                kinds.Add(Kind.Error);
            }
        }
    }

    protected override byte[] BuildEcho(int id) => Concat($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"Echo\",\"arguments\":[", "]}\u001e");

    protected override byte[] BuildBarrier(int id) => Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"Barrier\",\"arguments\":[]}}\u001e");

    protected override byte[] BuildEmits(int id, int count) => Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"Emits\",\"arguments\":[{count}]}}\u001e");

    protected override byte[] BuildFireAndForget() => Concat("{\"type\":1,\"target\":\"Ff\",\"arguments\":[", "]}\u001e");

    protected override byte[] BuildBroadcast() => Concat("{\"type\":1,\"target\":\"Bcast\",\"arguments\":[", "]}\u001e");
}

/// <summary>The raw WebSocket framing of Bench.Server's RawWebSocketApp: one leading byte says what a message is.</summary>
public sealed class RawProtocol : Protocol
{
    public static readonly RawProtocol Instance = new();

    private RawProtocol() => Build();

    public override string Name => "rawws";

    public override byte[]? Hello => null;

    public override byte[] Pong { get; } = [];

    public override Uri WebSocketUri(int port, string? sessionId = null) => new($"ws://127.0.0.1:{port}/ws");

    public override void Classify(ReadOnlySpan<byte> message, List<Kind> kinds)
    {
        if (!message.IsEmpty)
        {
            kinds.Add(message[0] is (byte)'d' or (byte)'B' ? Kind.Data : Kind.Reply);
        }
    }

    protected override byte[] BuildEcho(int id) => Concat("e", "");

    protected override byte[] BuildBarrier(int id) => "b"u8.ToArray();

    protected override byte[] BuildEmits(int id, int count) => Encoding.UTF8.GetBytes($"n{count}");

    protected override byte[] BuildFireAndForget() => Concat("f", "");

    protected override byte[] BuildBroadcast() => Concat("B", "");
}
