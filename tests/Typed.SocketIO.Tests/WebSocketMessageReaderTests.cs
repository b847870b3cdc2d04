using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using Typed.SocketIO.Internal;
using Typed.Testing;
using Xunit;

namespace Typed.SocketIO.Tests;

/// <summary>
/// The shared WebSocket reader over a real pair of the runtime's managed WebSockets (WebSocket.CreateFromStream on
/// in-memory pipes): it waits for each message with a zero-byte receive, so an idle connection holds no receive
/// buffer, and still assembles fragments and enforces its limits.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class WebSocketMessageReaderTests : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly WebSocket _client;
    private readonly RecordingWebSocket _server;

    public WebSocketMessageReaderTests()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        _server = new RecordingWebSocket(WebSocket.CreateFromStream(
            new DuplexStream(toServer.Reader.AsStream(), toClient.Writer.AsStream()),
            new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan }));
        _client = WebSocket.CreateFromStream(
            new DuplexStream(toClient.Reader.AsStream(), toServer.Writer.AsStream()),
            new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = Timeout.InfiniteTimeSpan });
    }

    [Fact]
    public async Task Idle_read_waits_with_a_zero_byte_receive_and_rents_only_when_a_message_arrives()
    {
        using var reader = new WebSocketMessageReader(_server, maxMessageSize: 1 << 20, maxEmptyFragments: 16);

        var pending = reader.ReadAsync().AsTask();
        await _server.FirstReceiveStarted.WaitAsync(Bound);
        Assert.False(pending.IsCompleted);
        Assert.Equal([0], _server.ReceiveSizes);

        await SendAsync("hello", WebSocketMessageType.Text);
        Assert.Equal(WebSocketReadStatus.Message, await pending.WaitAsync(Bound));
        Assert.Equal("hello", Encoding.UTF8.GetString(reader.Message.Span));
        Assert.Equal(WebSocketMessageType.Text, reader.MessageType);
        Assert.Equal(0, _server.ReceiveSizes[0]);
        Assert.True(_server.ReceiveSizes[1] > 0);

        // The next message starts with a zero-byte receive again: nothing is held between messages.
        var before = _server.ReceiveSizes.Count;
        await SendAsync("again", WebSocketMessageType.Text);
        Assert.Equal(WebSocketReadStatus.Message, await reader.ReadAsync().AsTask().WaitAsync(Bound));
        Assert.Equal("again", Encoding.UTF8.GetString(reader.Message.Span));
        Assert.Equal(0, _server.ReceiveSizes[before]);
    }

    [Fact]
    public async Task Fragmented_large_binary_and_empty_messages_are_assembled_after_the_zero_byte_receive()
    {
        using var reader = new WebSocketMessageReader(_server, maxMessageSize: 1 << 20, maxEmptyFragments: 16);
        var large = new byte[10_000];
        Random.Shared.NextBytes(large);

        await _client.SendAsync(large.AsMemory(0, 3_000), WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
        await _client.SendAsync(large.AsMemory(3_000, 3_000), WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
        await _client.SendAsync(large.AsMemory(6_000), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        await SendAsync("", WebSocketMessageType.Text);

        Assert.Equal(WebSocketReadStatus.Message, await reader.ReadAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(WebSocketMessageType.Binary, reader.MessageType);
        Assert.Equal(large, reader.Message.ToArray());

        Assert.Equal(WebSocketReadStatus.Message, await reader.ReadAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(WebSocketMessageType.Text, reader.MessageType);
        Assert.Equal(0, reader.Message.Length);
    }

    [Fact]
    public async Task Limits_still_apply_after_the_zero_byte_receive()
    {
        using var reader = new WebSocketMessageReader(_server, maxMessageSize: 100, maxEmptyFragments: 16);
        await SendAsync(new string('x', 200), WebSocketMessageType.Text);
        Assert.Equal(WebSocketReadStatus.ProtocolError, await reader.ReadAsync().AsTask().WaitAsync(Bound));
        Assert.True(reader.LimitExceeded);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, (await _client.ReceiveAsync(new byte[256], CancellationToken.None).WaitAsync(Bound)).CloseStatus);
    }

    [Fact]
    public async Task A_flood_of_empty_fragments_is_still_refused_with_1008()
    {
        using var reader = new WebSocketMessageReader(_server, maxMessageSize: 1 << 20, maxEmptyFragments: 4);
        var read = reader.ReadAsync().AsTask();
        for (var i = 0; i < 6 && !read.IsCompleted; i++)
        {
            await _client.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        }

        Assert.Equal(WebSocketReadStatus.ProtocolError, await read.WaitAsync(Bound));
        Assert.True(reader.LimitExceeded);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, (await _client.ReceiveAsync(new byte[256], CancellationToken.None).WaitAsync(Bound)).CloseStatus);
    }

    /// <summary>
    /// Found by eng/fuzz.sh websocket (2 crashes, this one cause): .NET's WebSocket skips its end-of-message UTF-8 check
    /// when the final fragment is empty, so a text message stopping inside a character was handed over as text.
    /// </summary>
    [Fact]
    public async Task A_text_message_ending_inside_a_character_before_an_empty_final_fragment_is_refused_with_1007()
    {
        using var reader = new WebSocketMessageReader(_server, maxMessageSize: 1 << 20, maxEmptyFragments: 16);
        var read = reader.ReadAsync().AsTask();
        await _client.SendAsync(new byte[] { (byte)'4', 0xCE }, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await _client.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        Assert.Equal(WebSocketReadStatus.ProtocolError, await read.WaitAsync(Bound));
        Assert.False(reader.LimitExceeded);
        Assert.Equal("invalid UTF-8 in a text message", reader.Error);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, (await _client.ReceiveAsync(new byte[256], CancellationToken.None).WaitAsync(Bound)).CloseStatus);
    }

    [Fact]
    public async Task A_character_split_across_fragments_before_an_empty_final_fragment_is_accepted()
    {
        using var reader = new WebSocketMessageReader(_server, maxMessageSize: 1 << 20, maxEmptyFragments: 16);
        var read = reader.ReadAsync().AsTask();
        await _client.SendAsync(new byte[] { (byte)'4', 0xCE }, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await _client.SendAsync(new byte[] { 0xA9 }, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await _client.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        Assert.Equal(WebSocketReadStatus.Message, await read.WaitAsync(Bound));
        Assert.Equal(WebSocketMessageType.Text, reader.MessageType);
        Assert.Equal("4\u03a9", Encoding.UTF8.GetString(reader.Message.Span));
    }

    /// <summary>
    /// The two inputs eng/fuzz.sh websocket saved as crashes (the raw bytes a client sent after the 101), read as the
    /// fuzz target reads them: the reader stops with a protocol error instead of returning a text message that is not
    /// UTF-8.
    /// </summary>
    [Theory]
    [InlineData("0182804ca0a2828280808080828282")]
    [InlineData("01800102030400800101f6040080010203040080640203040080010203040080010203040080010203040086010203040064010203e800800102f0040080010203040080010203040080010202f4008001020304008001010104008001010304808002030203f97f01020304008001020303e38001020304008001020304008001030304008601020304006401020304008001020400800102030400800102030400800102030400800102030400800102030400008001020304ff7f0100030400800102030400800102030400800102030400800102030400800102030400800102030400800102030400800102030400800102030400800102f80300800102030400800102030400800102030400")]
    public async Task The_fuzzers_websocket_crash_inputs_end_in_a_protocol_error(string hex)
    {
        using var server = WebSocket.CreateFromStream(
            new DuplexStream(new MemoryStream(Convert.FromHexString(hex)), Stream.Null),
            new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        using var reader = new WebSocketMessageReader(server, maxMessageSize: 4096, maxEmptyFragments: 16);
        WebSocketReadStatus status;
        while ((status = await reader.ReadAsync().AsTask().WaitAsync(Bound)) == WebSocketReadStatus.Message)
        {
            Assert.False(reader.MessageType == WebSocketMessageType.Text && !System.Text.Unicode.Utf8.IsValid(reader.Message.Span), "a text message that is not UTF-8");
        }

        Assert.Equal(WebSocketReadStatus.ProtocolError, status);
        Assert.Equal("invalid UTF-8 in a text message", reader.Error);
    }

    [Fact]
    public async Task A_close_frame_ends_the_zero_byte_wait()
    {
        using var reader = new WebSocketMessageReader(_server, maxMessageSize: 1 << 20, maxEmptyFragments: 16);
        var read = reader.ReadAsync().AsTask();
        await _server.FirstReceiveStarted.WaitAsync(Bound);
        await _client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        Assert.Equal(WebSocketReadStatus.PeerClosed, await read.WaitAsync(Bound));
    }

    public ValueTask DisposeAsync()
    {
        _client.Abort();
        _server.Abort();
        _client.Dispose();
        _server.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task SendAsync(string text, WebSocketMessageType type) =>
        _client.SendAsync(Encoding.UTF8.GetBytes(text), type, endOfMessage: true, CancellationToken.None);

    /// <summary>Forwards to a real WebSocket and records the size of the buffer of every receive.</summary>
    private sealed class RecordingWebSocket(WebSocket inner) : WebSocket
    {
        private readonly TaskCompletionSource _firstReceive = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<int> _sizes = [];

        public Task FirstReceiveStarted => _firstReceive.Task;

        public List<int> ReceiveSizes
        {
            get
            {
                lock (_sizes)
                {
                    return [.. _sizes];
                }
            }
        }

        public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

        public override string? CloseStatusDescription => inner.CloseStatusDescription;

        public override WebSocketState State => inner.State;

        public override string? SubProtocol => inner.SubProtocol;

        public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            lock (_sizes)
            {
                _sizes.Add(buffer.Length);
            }

            _firstReceive.TrySetResult();
            return inner.ReceiveAsync(buffer, cancellationToken);
        }

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the reader receives into Memory<byte>");

        public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
            inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
            inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override void Abort() => inner.Abort();

        public override void Dispose() => inner.Dispose();
    }

    /// <summary>One end of an in-memory connection: reads from one pipe, writes to the other.</summary>
    private sealed class DuplexStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            input.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            input.ReadAsync(buffer, offset, count, cancellationToken);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await output.WriteAsync(buffer, cancellationToken);
            await output.FlushAsync(cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

        public override void Flush() => output.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input.Dispose();
                output.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
