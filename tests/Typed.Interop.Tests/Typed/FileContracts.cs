using System.Text.Json.Serialization;
using Typed;

namespace Typed.Interop.Tests.Typed;

/// <summary>What a JS client sends as <c>{ name, data: Buffer }</c>.</summary>
public sealed record FileUpload(string Name, byte[] Data);

/// <summary>Binary in a property, in a list and as memory: each must reach JavaScript as a Buffer.</summary>
public sealed record FileDownload(string Name, byte[] Data, List<byte[]> Chunks, ReadOnlyMemory<byte> Tail);

/// <summary>A date as JavaScript's <c>Date.toJSON()</c> writes it.</summary>
public sealed record Stamp(string Label, DateTimeOffset At);

/// <summary>Client → server: binary inside objects and dates, both ways.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(FileJson))]
public interface IFileServer
{
    Task<string> Store(FileUpload upload);

    Task<FileDownload> Fetch(string name);

    Task<Stamp> EchoStamp(Stamp stamp);
}

/// <summary>Server → client.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(FileJson))]
public interface IFileClient
{
    Task Pushed(FileDownload download);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FileUpload))]
[JsonSerializable(typeof(FileDownload))]
[JsonSerializable(typeof(Stamp))]
public sealed partial class FileJson : JsonSerializerContext;
