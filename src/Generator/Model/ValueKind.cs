namespace Typed.Generator.Model;

/// <summary>How a value crosses the wire.</summary>
internal enum ValueKind
{
    /// <summary>JSON through its JsonTypeInfo.</summary>
    Json,

    /// <summary><c>byte[]</c>: a binary attachment.</summary>
    Bytes,

    /// <summary><c>ReadOnlyMemory&lt;byte&gt;</c>: a binary attachment.</summary>
    Memory,
}
