using System.Text.Json;
using System.Text.Json.Serialization;
using Typed.SocketIO;

namespace Typed.SocketIO.Tests;

[Trait("Category", TestCategories.Unit)]
public sealed class SocketIOJsonTests
{
    [Fact]
    public void Options_from_a_context_keep_the_context_s_naming_policy_both_ways()
    {
        var options = SocketIOJson.CreateOptions(CamelJson.Default);

        var json = JsonSerializer.Serialize(new CamelPoint(1, 2), options.GetTypeInfo(typeof(CamelPoint)));
        var back = (CamelPoint?)JsonSerializer.Deserialize("""{"xValue":3,"yValue":4}""", options.GetTypeInfo(typeof(CamelPoint)));

        Assert.Equal("""{"xValue":1,"yValue":2}""", json);
        Assert.Equal(new CamelPoint(3, 4), back);
    }

    [Fact]
    public void Options_from_a_context_still_know_the_built_in_types()
    {
        var options = SocketIOJson.CreateOptions(CamelJson.Default);

        Assert.Equal("\"text\"", JsonSerializer.Serialize("text", options.GetTypeInfo(typeof(string))));
        Assert.NotNull(options.GetTypeInfo(typeof(Dictionary<string, JsonElement>)));
    }
}

public sealed record CamelPoint(int XValue, int YValue);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CamelPoint))]
internal sealed partial class CamelJson : JsonSerializerContext;
