namespace Typed;

/// <summary>Gives a contract method its exact Socket.IO event name (the naming policy does not apply to it).</summary>
/// <param name="name">The event name on the wire, e.g. <c>"chat message"</c>.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SocketEventAttribute(string name) : Attribute
{
    /// <summary>The event name on the wire.</summary>
    public string Name { get; } = name;
}
