using Typed.EngineIO;

namespace ConformanceServer;

/// <summary>Echoes every message back on the same session: text as text, binary as binary.</summary>
public sealed class EchoHandler : EngineIOHandler
{
    public override ValueTask OnMessageAsync(EngineIOSocket socket, EngineIOMessage message)
    {
        if (message.IsBinary)
        {
            // The received bytes live in a pooled buffer; the echo must own its copy.
            socket.Send(message.Data.ToArray());
        }
        else
        {
            socket.Send(message.GetText());
        }

        return ValueTask.CompletedTask;
    }
}
