using System.ComponentModel;
using System.Diagnostics;

namespace Typed.Testing;

/// <summary>
/// Runs a program to its end with a deadline and returns what it printed: the one way the test projects run Node
/// scripts, the NativeAOT smoke client, the chat client and <c>dotnet publish</c>.
/// </summary>
public static class ChildProcess
{
    /// <summary>The outcome of a run; <see cref="Command"/> is the command line, for messages.</summary>
    public readonly record struct Result(int ExitCode, string Stdout, string Stderr, string Command);

    /// <summary>Runs <paramref name="program"/>; past <paramref name="timeout"/> it is killed and a <see cref="TimeoutException"/> says so.</summary>
    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var command = $"{program} {string.Join(' ', start.ArgumentList)}";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (Win32Exception e)
        {
            // Say which program is missing rather than "No such file or directory".
            throw new InvalidOperationException($"{program} could not be started (is it installed and on the PATH?)", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{command} did not exit within {timeout.TotalSeconds} s. stderr: {await stderr}");
            }

            return new Result(process.ExitCode, await stdout, await stderr, command);
        }
    }
}
