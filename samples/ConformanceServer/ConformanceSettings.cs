using Typed.EngineIO;

namespace ConformanceServer;

/// <summary>The settings the official conformance suites expect: short heartbeats and CORS for any origin.</summary>
public static class ConformanceSettings
{
    public static void Apply(EngineIOOptions options)
    {
        options.PingInterval = TimeSpan.FromMilliseconds(300);
        options.PingTimeout = TimeSpan.FromMilliseconds(200);
        options.MaxHttpBufferSize = 1_000_000;
        options.AllowAnyOrigin = true;
    }
}
