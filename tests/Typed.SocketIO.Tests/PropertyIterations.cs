namespace Typed.SocketIO.Tests;

/// <summary>
/// How many cases each property test runs: 10^4 by default (the whole set stays under a minute on a 2-core machine),
/// or <c>TYPED_PROPERTY_ITERATIONS</c> (e.g. 1000000 for a long run; docs/testing.md#property-tests).
/// </summary>
internal static class PropertyIterations
{
    public static long Count { get; } =
        long.TryParse(Environment.GetEnvironmentVariable("TYPED_PROPERTY_ITERATIONS"), out var count) && count > 0 ? count : 10_000;
}
