using System.Text.Json.Serialization;

namespace Chat.Client;

/// <summary>What a scripted run prints: one JSON line.</summary>
internal sealed record ScriptResult(bool Ok, string Nickname, string Room, string[] Members, int History, List<SentMessage> Sent, ChatMessage? Received, string Transport);

internal sealed record SentMessage(string Text, string Id, DateTimeOffset Time);

internal sealed record ScriptFailure(bool Ok, string Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ScriptResult))]
[JsonSerializable(typeof(ScriptFailure))]
internal sealed partial class ClientJson : JsonSerializerContext;
