namespace Typed;

/// <summary>
/// Marks an interface as a Socket.IO event contract: each method is an event one side emits and the other handles.
/// The Typed source generator turns it into an emitter proxy (<c>CreateProxy&lt;T&gt;()</c>), a handler binder
/// (<c>Register&lt;T&gt;(handler)</c>) and, on a server, typed broadcast methods.
/// </summary>
/// <remarks>
/// <para>Member shapes and what they do on the wire:</para>
/// <list type="bullet">
/// <item><c>Task M(a, b)</c> / <c>ValueTask M(a, b)</c>: <c>emit("m", a, b)</c>, no acknowledgement asked.</item>
/// <item><c>Task&lt;T&gt; M(a)</c> / <c>ValueTask&lt;T&gt; M(a)</c>: <c>emit("m", a, ack)</c>; the first ack argument is
/// the result. A tuple <c>Task&lt;(T1, T2)&gt;</c> is an acknowledgement with two arguments.</item>
/// <item>A last <c>CancellationToken</c> parameter is not sent: it cancels the wait for the acknowledgement.</item>
/// <item><c>byte[]</c> and <c>ReadOnlyMemory&lt;byte&gt;</c> travel as binary attachments; everything else as JSON
/// through source-generated <c>JsonTypeInfo&lt;T&gt;</c> (no reflection).</item>
/// </list>
/// The event name is <see cref="SocketEventAttribute"/>'s, else the method name under <see cref="NamingPolicy"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class SocketContractAttribute : Attribute
{
    /// <summary>
    /// How method names become event names when no <see cref="SocketEventAttribute"/> is given.
    /// <see cref="EventNamingPolicy.Default"/> takes <see cref="SocketContractDefaultsAttribute.NamingPolicy"/>, else
    /// <see cref="EventNamingPolicy.AsWritten"/>.
    /// </summary>
    public EventNamingPolicy NamingPolicy { get; set; }

    /// <summary>
    /// The <c>JsonSerializerContext</c> that knows the contract's argument and result types. When set, the generator
    /// checks at compile time that every type is in it (diagnostic TYPED020) and the generated code uses it directly;
    /// when not set (and no assembly default), types are resolved at run time from the socket's
    /// <c>JsonSerializerOptions</c> (<c>UseJson(context)</c>).
    /// </summary>
    public Type? JsonContext { get; set; }
}
