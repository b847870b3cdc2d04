using Typed.SocketIO;

namespace Bench.Server;

/// <summary>The workloads on Typed's Socket.IO server (JSON parser, default options, namespace "/").</summary>
public static class TypedApp
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddSocketIO(options => options.UseJson(BenchJson.Default));

        // The cluster workload: two servers on one Redis (classic mode, as the Node servers of that workload).
        if (Environment.GetEnvironmentVariable("BENCH_REDIS") is { Length: > 0 } redis)
        {
            services.AddSocketIORedis(options => options.Configuration = redis);
        }
    }

    public static void Map(WebApplication app)
    {
        app.MapSocketIO("/socket.io");
        var io = app.Services.GetRequiredService<SocketIOServer>();
        io.Of("/").OnConnection(socket =>
        {
            long received = 0;

            // (a), (b1), (f): acked echo; the arguments are forwarded with their exact JSON.
            socket.On("echo", e => e.Ack(e.Arguments));

            // (b2): fire-and-forget counter, closed by an acked barrier that answers the count.
            socket.On("ff", _ => received++);
            socket.On("barrier", e => e.Ack(received));

            // (b3): N server→client emits of the payload, then the ack.
            socket.On("emits", e =>
            {
                var count = e.Arguments.GetValue(0, BenchJson.Default.Int32);
                for (var i = 0; i < count; i++)
                {
                    e.Socket.Emit("data", Payload.Element);
                }

                e.Ack(count);
            });

            // (c): broadcast the received payload to every connected client (the sender included).
            socket.On("bcast", e => e.Socket.Namespace.Emit("b", e.Arguments));
        });
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
[System.Text.Json.Serialization.JsonSerializable(typeof(System.Text.Json.JsonElement))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
