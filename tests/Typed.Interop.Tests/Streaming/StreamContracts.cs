using System.Text.Json.Serialization;
using Typed;

namespace Typed.Interop.Tests.Streaming;

public sealed record Tick(int Seq, string Text);

/// <summary>Client → server: streams the hub produces, and calls that make the hub consume the client's streams.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(StreamJson))]
public interface IStreamServer
{
    /// <summary><paramref name="count"/> ticks, then the end.</summary>
    IAsyncEnumerable<Tick> Ticks(int count, CancellationToken cancellationToken = default);

    /// <summary>0, 1, 2… until cancelled; the hub counts what it produced in <see cref="StreamLog"/>.</summary>
    IAsyncEnumerable<int> Endless(CancellationToken cancellationToken = default);

    /// <summary><paramref name="after"/> items, then the producer throws.</summary>
    IAsyncEnumerable<int> Failing(int after);

    /// <summary><paramref name="after"/> items, then the producer cancels itself.</summary>
    IAsyncEnumerable<int> StopsItself(int after);

    /// <summary>The hub consumes the caller's <see cref="IStreamClient.Numbers"/> and returns the sum.</summary>
    Task<int> SumFromClient(int count);

    /// <summary>The hub takes <paramref name="take"/> of the caller's endless numbers and stops the stream.</summary>
    Task<int> TakeFromClient(int take);

    /// <summary>The hub consumes the caller's numbers until something ends it; what ended it goes to the log.</summary>
    Task ConsumeFromClient();

    /// <summary>The server disconnects the caller.</summary>
    Task Kick();

    /// <summary>An upload: the hub sums the numbers the caller sends.</summary>
    Task<int> SumUpload(string label, IAsyncEnumerable<int> numbers, CancellationToken cancellationToken = default);

    /// <summary>The hub takes <paramref name="take"/> of the uploaded numbers and returns (the rest is cancelled).</summary>
    Task<int> TakeUpload(IAsyncEnumerable<int> numbers, int take);

    /// <summary>The hub takes one number, waits for <see cref="StreamLog.ReleaseUpload"/>, then takes 40 more and returns.</summary>
    Task<int> HoldUpload(IAsyncEnumerable<int> numbers);

    /// <summary>The hub reads the upload until something ends it; what ended it goes to <see cref="StreamLog.ConsumerEnded"/>.</summary>
    Task ConsumeUpload(IAsyncEnumerable<int> numbers);

    /// <summary>The hub uploads 0..count-1 to the caller's <see cref="IStreamClient.SumUpload"/> and returns its answer.</summary>
    Task<int> UploadToClient(int count);
}

/// <summary>Server → client: the stream the .NET client produces for the hub.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(StreamJson))]
public interface IStreamClient
{
    /// <summary>0..count-1, or forever when count is negative.</summary>
    IAsyncEnumerable<int> Numbers(int count, CancellationToken cancellationToken = default);

    /// <summary>An upload from the hub: the client sums it.</summary>
    Task<int> SumUpload(IAsyncEnumerable<int> numbers);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Tick))]
public sealed partial class StreamJson : JsonSerializerContext;
