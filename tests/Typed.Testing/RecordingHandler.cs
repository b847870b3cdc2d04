using System.Collections.Concurrent;
using System.Threading.Channels;
using Typed.EngineIO;

namespace Typed.Testing;

/// <summary>
/// The application side of the test server: echoes every message (text as text, binary as binary), closes the
/// session from the server when it receives the text <c>close-me</c>, and records every event so tests can await them.
/// </summary>
public sealed class RecordingHandler : EngineIOHandler
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<EngineIOCloseReason>> _closes = new();
    private readonly ConcurrentDictionary<string, EngineIOSocket> _sockets = new();

    /// <summary>Every received message, as (sid, text or hex of binary).</summary>
    public Channel<(string Sid, bool IsBinary, byte[] Data)> Messages { get; } = Channel.CreateUnbounded<(string, bool, byte[])>();

    /// <summary>When false, messages are recorded but not echoed.</summary>
    public bool Echo { get; set; } = true;

    public override ValueTask OnOpenedAsync(EngineIOSocket socket)
    {
        _sockets[socket.Id] = socket;
        CloseSource(socket.Id);
        return ValueTask.CompletedTask;
    }

    public override ValueTask OnMessageAsync(EngineIOSocket socket, EngineIOMessage message)
    {
        var data = message.Data.ToArray();
        Messages.Writer.TryWrite((socket.Id, message.IsBinary, data));
        if (!message.IsBinary && message.GetText() == "close-me")
        {
            socket.Close();
            return ValueTask.CompletedTask;
        }

        if (!Echo)
        {
            return ValueTask.CompletedTask;
        }

        if (message.IsBinary)
        {
            socket.Send(data);
        }
        else
        {
            socket.Send(message.GetText());
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask OnClosedAsync(EngineIOSocket socket, EngineIOCloseReason reason)
    {
        CloseSource(socket.Id).TrySetResult(reason);
        return ValueTask.CompletedTask;
    }

    /// <summary>The server-side socket of session <paramref name="sid"/>.</summary>
    public EngineIOSocket Socket(string sid) => _sockets[sid];

    /// <summary>Waits (bounded) for session <paramref name="sid"/> to close and returns why.</summary>
    public async Task<EngineIOCloseReason> WaitForCloseAsync(string sid, int timeoutMs = 5000) =>
        await CloseSource(sid).Task.WaitAsync(TimeSpan.FromMilliseconds(timeoutMs));

    /// <summary>Whether session <paramref name="sid"/> has closed yet.</summary>
    public bool IsClosed(string sid) => CloseSource(sid).Task.IsCompleted;

    /// <summary>Waits for the next message the server received.</summary>
    public async Task<(string Sid, bool IsBinary, byte[] Data)> NextMessageAsync(int timeoutMs = 5000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        return await Messages.Reader.ReadAsync(timeout.Token);
    }

    private TaskCompletionSource<EngineIOCloseReason> CloseSource(string sid) =>
        _closes.GetOrAdd(sid, _ => new TaskCompletionSource<EngineIOCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>How many sessions have opened on this handler so far (refused requests must not add any).</summary>
    public int OpenedCount() => _sockets.Count;
}
