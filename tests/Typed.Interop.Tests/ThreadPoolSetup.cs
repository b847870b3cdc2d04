using System.Runtime.CompilerServices;

namespace Typed.Interop.Tests;

internal static class ThreadPoolSetup
{
    /// <summary>
    /// The servers under test run in this process beside the Node processes that drive them. On Linux, reading a
    /// child's stdout/stderr pipe "asynchronously" holds a thread-pool thread for the whole run, so a few Node
    /// processes would starve the pool on a 2-core machine and delay the server's 300 ms heartbeats: the harness, not
    /// the server, would then make clients time out. More minimum threads keep the harness out of the measurement.
    /// </summary>
    [ModuleInitializer]
    internal static void ReserveThreadsForPipeReaders()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), completionPorts);
    }
}
