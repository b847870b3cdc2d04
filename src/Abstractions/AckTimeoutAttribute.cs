namespace Typed;

/// <summary>
/// How long a generated proxy waits for this event's acknowledgement before its call fails with a
/// <see cref="TimeoutException"/>, instead of the socket's default (<c>DefaultAckTimeout</c>). Applies to methods that
/// return <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c> and are called on one peer (<c>CreateProxy&lt;T&gt;()</c>,
/// <c>Clients.Caller</c>, <c>Clients.Socket(id)</c>); a broadcast's wait is set with <c>.Timeout(…)</c>.
/// </summary>
/// <remarks>
/// A separate attribute rather than a property of <see cref="SocketEventAttribute"/>: that one's constructor requires the
/// event name, and a timeout has nothing to do with naming, so a method keeps its policy-derived name and still gets a
/// timeout. The generator checks the value (TYPED035) and that the method has an acknowledgement (TYPED036).
/// </remarks>
/// <param name="milliseconds">The wait, in milliseconds; greater than zero.</param>
/// <example><c>[AckTimeout(5000)] Task&lt;JoinResult&gt; Join(string room);</c></example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AckTimeoutAttribute(int milliseconds) : Attribute
{
    /// <summary>The wait for the acknowledgement, in milliseconds.</summary>
    public int Milliseconds { get; } = milliseconds;
}
