using System.Text.Json.Serialization;

namespace Typed.SocketIO.Tests;

public sealed record FilePart(string Name, byte[] Data);

public sealed record TwoFiles(byte[] First, byte[]? Second);

public sealed record MemoryPart(string Name, ReadOnlyMemory<byte> Data, Memory<byte> Copy);

public sealed record Bundle(string Name, List<byte[]> Parts, FilePart? Inner, Dictionary<string, byte[]>? ByName);

public sealed record Stamped(DateTimeOffset At, DateTime When, DateTimeOffset? Maybe);

/// <summary>A source-generated context, as contracts use: the converters must apply to its types without reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FilePart))]
[JsonSerializable(typeof(TwoFiles))]
[JsonSerializable(typeof(MemoryPart))]
[JsonSerializable(typeof(Bundle))]
[JsonSerializable(typeof(Stamped))]
[JsonSerializable(typeof(List<FilePart>))]
internal sealed partial class BinaryJson : JsonSerializerContext;
