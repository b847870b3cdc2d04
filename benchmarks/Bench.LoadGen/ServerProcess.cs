using System.Diagnostics;
using System.Globalization;

namespace Bench.LoadGen;

/// <summary>One server under test, started pinned to the server cores (taskset -c), with its CPU time and memory read from /proc.</summary>
public sealed class ServerProcess : IDisposable
{
    private const int SigTerm = 15;

    private const double TicksPerSecond = 100; // CLK_TCK: utime/stime in /proc/<pid>/stat are in 1/100 s on Linux

    private readonly Process _process;

    private ServerProcess(string system, int port, Process process)
    {
        System = system;
        Port = port;
        _process = process;
    }

    public string System { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(string system, int port, Paths paths, string serverCore, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(serverCore);
        if (system == "node")
        {
            start.WorkingDirectory = paths.Js;
            start.ArgumentList.Add("node");
            start.ArgumentList.Add("--expose-gc");
            start.ArgumentList.Add("server.mjs");
        }
        else
        {
            start.ArgumentList.Add("dotnet");
            start.ArgumentList.Add(paths.ServerDll);
            start.ArgumentList.Add(system);
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

            // Steady state, not start-up: on a saturated single core the tiered JIT left almost every hot method at
            // tier 0 for the whole of a workload (a perf map after 6 s of b2: 1,550 methods quick-jitted, 22
            // optimized), which doubled Typed's CPU per message. With no call-counting delay, methods reach tier 1
            // (with dynamic PGO) within the warm-up, as they would in a server that has run for a while.
            start.Environment["DOTNET_TC_CallCountingDelayMs"] = "0";
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {system}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                Console.Error.WriteLine($"  [{system} stderr] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(system, port, process);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{system} exited with code {process.ExitCode} during start-up");
            }

            try
            {
                await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/__bench/ping"));
                return server;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }
            catch (TaskCanceledException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>utime + stime of the server so far, in seconds.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are indices 11 and 12.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>Resident set size in bytes, from VmRSS in /proc/&lt;pid&gt;/status.</summary>
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS");
    }

    /// <summary>
    /// Asks the server for a full garbage collection (its /__bench/gc endpoint), lets it settle, and returns the
    /// live managed (or V8) heap in bytes that the server reports after it.
    /// </summary>
    public async Task<long> CollectGarbageAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await http.GetStringAsync(new Uri($"http://127.0.0.1:{Port}/__bench/gc"));
        await Task.Delay(500);
        var heap = await http.GetStringAsync(new Uri($"http://127.0.0.1:{Port}/__bench/gc"));
        await Task.Delay(500);
        return long.Parse(heap, CultureInfo.InvariantCulture);
    }

    /// <summary>Stops the server: SIGTERM first (a graceful exit, which also finishes an EventPipe trace file), then kill.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited && (Kill(_process.Id, SigTerm) != 0 || !_process.WaitForExit(5_000)))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>Where the built server, the npm scripts and the results live.</summary>
public sealed record Paths(string Root, string ServerDll, string Js, string Results);
