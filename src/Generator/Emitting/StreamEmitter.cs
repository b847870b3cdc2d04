using System.Linq;
using Typed.Generator.Model;

namespace Typed.Generator.Emitting;

/// <summary>
/// The generated code of a stream (a contract method returning <c>IAsyncEnumerable&lt;T&gt;</c>, docs/streaming.md):
/// the handler reads the arguments and the stream request, calls the method and hands the items to
/// <c>SocketContractStreams.ProduceAsync</c>, which owns the handler until the stream ends; the proxy returns
/// <c>SocketContractStreams.Consume</c>. Streams have one consumer, so no broadcast method is generated for them.
/// </summary>
internal static class StreamEmitter
{
    public static void EmitHandler(SourceWriter w, ContractModel contract, EventModel e, int index, string eventName)
    {
        w.Open($"private static async {Names.ValueTask} Handle{index}<THandler>({Names.Contracts}ISocketIOEventSource __source, {Names.Contracts}ISocketHandlerFactory<THandler> __factory, {Names.Contracts}ISocketIOEvent __event)", $"where THandler : class, {contract.FullyQualifiedName}")
            .Line("var __options = __source.JsonSerializerOptions;")
            .Line("var __arguments = __event.Arguments;");
        for (var i = 0; i < e.Parameters.Count; i++)
        {
            w.Line($"var __a{i} = {ContractEmitter.Read(e.Parameters[i].Value, i, e.Parameters[i].Name)};");
        }

        // The stream request follows the method's arguments; read before the handler exists, as every binding is.
        w.Line($"var __request = {Names.Contracts}SocketContractStreams.ReadRequest(__arguments, {e.Parameters.Count});");
        var arguments = Enumerable.Range(0, e.Parameters.Count).Select(i => "__a" + i).ToList();
        if (e.CancellationTokenName is not null)
        {
            // The producer's cancellation arrives through the enumerator's token ([EnumeratorCancellation]).
            arguments.Add("default");
        }

        var itemType = e.AckType!;
        w.Line("var __handler = __factory.Create();")
            .Line($"global::System.Collections.Generic.IAsyncEnumerable<{itemType}> __items;")
            .Open("try")
            .Line($"__items = (({e.DeclaringInterface})__handler).{e.MethodName}({string.Join(", ", arguments)});")
            .Close()
            .Open("catch")
            .Line("await __factory.ReleaseAsync(__handler).ConfigureAwait(false);")
            .Line("throw;")
            .Close()
            .Line()
            .Line("// The stream outlives this handler: the handler instance is released when the stream ends.")
            .Line($"await {Names.Contracts}SocketContractStreams.ProduceAsync(__source, __event, __request, {Names.Literal(eventName)}, __items, TypeInfo<{itemType}>(__options), () => __factory.ReleaseAsync(__handler)).ConfigureAwait(false);")
            .Close().Line();
    }

    /// <summary>
    /// A method taking an upload stream: <c>SocketContractStreams.UploadAsync</c> sends the call and the items, and
    /// returns the acknowledgement (the method's result, or an error acknowledgement), read as for any acked call.
    /// </summary>
    public static void EmitUploadProxyMethod(SourceWriter w, EventModel e, int index, string eventName, string signature)
    {
        var (state, writer) = ContractEmitter.StateAndWriter(e, index, "peer");
        var upload = e.Upload!;
        var token = e.CancellationTokenName is null ? "default" : Names.Identifier(e.CancellationTokenName);
        var timeout = e.AckTimeoutMilliseconds is { } ms ? "global::System.TimeSpan.FromMilliseconds(" + ms.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")" : "null";
        var returnType = e.Return switch
        {
            ReturnKind.Task => $"async {Names.Task}",
            ReturnKind.ValueTask => $"async {Names.ValueTask}",
            ReturnKind.TaskOfT => $"async {Names.Task}<{e.AckType}>",
            _ => $"async {Names.ValueTask}<{e.AckType}>",
        };
        var call = $"await {Names.Contracts}SocketContractStreams.UploadAsync(peer, {Names.Literal(eventName)}, {Names.Identifier(upload.Name)}, TypeInfo<{upload.Value.Type}>(peer.JsonSerializerOptions), {state}, {writer}, {timeout}, {token}).ConfigureAwait(false);";
        w.Open($"{returnType} {signature}");
        if (e.HasAck)
        {
            w.Line("var __arguments = " + call)
                .Line("var __options = peer.JsonSerializerOptions;")
                .Line($"return {ContractEmitter.ReadResult(e)};");
        }
        else
        {
            // An error acknowledgement throws inside UploadAsync; a void method's acknowledgement carries nothing.
            w.Line(call);
        }

        w.Close().Line();
    }

    public static void EmitProxyMethod(SourceWriter w, EventModel e, int index, string eventName, string signature)
    {
        var (state, writer) = ContractEmitter.StateAndWriter(e, index, "peer");
        var token = e.CancellationTokenName is null ? "default" : Names.Identifier(e.CancellationTokenName);
        var timeout = e.AckTimeoutMilliseconds is { } ms ? "global::System.TimeSpan.FromMilliseconds(" + ms.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")" : "null";
        w.Line($"global::System.Collections.Generic.IAsyncEnumerable<{e.AckType}> {signature} =>")
            .Line($"    {Names.Contracts}SocketContractStreams.Consume(peer, {Names.Literal(eventName)}, {state}, {writer}, TypeInfo<{e.AckType}>(peer.JsonSerializerOptions), {timeout}, {token});")
            .Line();
    }
}
