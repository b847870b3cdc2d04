using System.Collections.Generic;
using System.Text;

namespace Typed.Generator.Emitting;

/// <summary>
/// The stream convention's events (docs/streaming.md) one event map carries: the items it emits (<c>$stream</c>,
/// <c>$stream-end</c>) and whether it grants credit (<c>$stream-ack</c>, <c>$stream-cancel</c>). A map emits items for
/// the uploads of its own contract and the streams the opposite contract returns, and grants credit for the streams its
/// own contract returns and the uploads the opposite contract takes.
/// </summary>
internal sealed class TypeScriptStreamEvents
{
    private readonly List<string> _items = new();

    /// <summary>Whether the map grants credit and cancels: <c>$stream-ack</c>, <c>$stream-cancel</c>.</summary>
    public bool Credit { get; set; }

    /// <summary>Adds an item type this map emits; each type once, in the order met (deterministic output).</summary>
    public void AddItem(string typeScriptType)
    {
        if (!_items.Contains(typeScriptType))
        {
            _items.Add(typeScriptType);
        }
    }

    /// <summary>Appends the convention's members, after the map's own events.</summary>
    public void Write(StringBuilder builder)
    {
        if (_items.Count > 0)
        {
            // One event carries the items of every stream in this direction, so its item is the union of their types
            // (the stream id tells which stream, and so which type, an item belongs to).
            builder.Append("  /** An item of an open stream (docs/streaming.md): never more than the credit granted. */\n")
                .Append("  \"$stream\": (id: string, item: ").Append(string.Join(" | ", _items)).Append(") => void;\n")
                .Append("  /** The end of a stream; with an error when the producer failed or cancelled. */\n")
                .Append("  \"$stream-end\": (id: string, error?: { $error: { code: string; message: string } }) => void;\n");
        }

        if (Credit)
        {
            builder.Append("  /** Credit: `credit` more items of the stream may be sent. */\n")
                .Append("  \"$stream-ack\": (id: string, credit: number) => void;\n")
                .Append("  /** Stop the stream: the producer sends nothing more. */\n")
                .Append("  \"$stream-cancel\": (id: string) => void;\n");
        }
    }
}
