using System.Text;
using System.Text.Json;

namespace Bench.Server;

/// <summary>The ≈64-byte JSON object every workload carries (the load generator and server.mjs use the same one).</summary>
public static class Payload
{
    public const string Json = """{"id":12345,"user":"bench-user","text":"hello, world!","ok":true}""";

    public static readonly byte[] Utf8 = Encoding.UTF8.GetBytes(Json);

    public static readonly JsonElement Element = JsonDocument.Parse(Json).RootElement.Clone();
}
