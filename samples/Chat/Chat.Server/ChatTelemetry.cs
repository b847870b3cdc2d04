using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Chat.Server;

/// <summary>The chat server's optional OpenTelemetry export (<c>--telemetry</c>): Typed's meter and activity source.</summary>
public static class ChatTelemetry
{
    /// <summary>
    /// Exports the meter and activities named <c>Typed.SocketIO.Server</c>: by OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (a collector, Aspire's dashboard, Jaeger…), else to the console
    /// (metrics every 10 s, each span as it ends).
    /// </summary>
    public static IServiceCollection AddChatTelemetry(this IServiceCollection services)
    {
        var otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("chat-server"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("Typed.SocketIO.Server");
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
                else
                {
                    metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000);
                }
            })
            .WithTracing(tracing =>
            {
                // Microsoft.AspNetCore too, so a client's traceparent on the handshake becomes the CONNECT's parent.
                tracing.AddSource("Typed.SocketIO.Server", "Microsoft.AspNetCore");
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
                else
                {
                    tracing.AddConsoleExporter();
                }
            });
        return services;
    }
}
