using System.Text;

namespace Typed.EngineIO;

/// <summary>
/// An application message received on an Engine.IO session. <see cref="Data"/> points into a pooled receive buffer:
/// it is valid only until the handler that received it returns; copy what must outlive it.
/// </summary>
public readonly struct EngineIOMessage
{
    internal EngineIOMessage(ReadOnlyMemory<byte> data, bool isBinary)
    {
        Data = data;
        IsBinary = isBinary;
    }

    /// <summary>True for a binary message; false for text.</summary>
    public bool IsBinary { get; }

    /// <summary>The raw bytes of a binary message, or the UTF-8 bytes of a text message.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The text of a text message, decoded from UTF-8.</summary>
    /// <exception cref="InvalidOperationException">The message is binary.</exception>
    public string GetText() => IsBinary
        ? throw new InvalidOperationException("The message is binary; read Data instead.")
        : Encoding.UTF8.GetString(Data.Span);
}
