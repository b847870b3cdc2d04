using System.Text.Json;
using System.Threading.Tasks;
using Typed;

[assembly: SocketContractDefaults(NamingPolicy = EventNamingPolicy.SnakeCaseLower)]

public static class Outer
{
    /// <summary>A global-namespace, nested, internal contract with no JSON context: types resolve at run time.</summary>
    [SocketContract]
    internal interface ITelemetry
    {
        Task ReportHTMLMetrics(string @class, double value);

        Task<JsonElement> GetSnapshot();

        [SocketEvent("ping")]
        ValueTask Ping();
    }
}
