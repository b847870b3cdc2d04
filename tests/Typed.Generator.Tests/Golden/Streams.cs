using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Typed;
using Typed.SocketIO;

namespace Streams;

public sealed record Tick(int Seq, string Text);

[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(StreamJson))]
public interface IFeedServer
{
    // A stream with an argument and a caller's token, and [AckTimeout] bounding the wait for its acceptance.
    [AckTimeout(5000)]
    IAsyncEnumerable<Tick> Ticks(int count, CancellationToken cancellationToken = default);

    // A stream with no argument, beside an ordinary event.
    IAsyncEnumerable<int> Numbers();

    Task Say(string text);
}

[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(StreamJson))]
public interface IFeedClient
{
    // Server → client: the server consumes what the client produces.
    IAsyncEnumerable<string> Lines(string prefix);
}

[JsonSerializable(typeof(Tick))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
public sealed partial class StreamJson : JsonSerializerContext
{
    // Stands in for what System.Text.Json's generator (not run by this harness) adds.
    public StreamJson()
        : base(null)
    {
    }

    public static StreamJson Default { get; } = new();

    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;

    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
}

public sealed class FeedHub : SocketHub<IFeedClient>, IFeedServer
{
    public async IAsyncEnumerable<Tick> Ticks(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new Tick(i, "t" + i);
        }
    }

    public async IAsyncEnumerable<int> Numbers()
    {
        await Task.Yield();
        yield return 1;
    }

    public Task Say(string text) => Task.CompletedTask;
}
