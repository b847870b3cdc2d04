using Typed.SocketIO;

namespace Typed.Interop.Tests.Typed;

/// <summary>The typed hub tests/js/sio-typed-binary.mjs drives: records with binary and dates.</summary>
public sealed class FileHub(HubLog log) : SocketHub<IFileClient>, IFileServer
{
    public Task<string> Store(FileUpload upload)
    {
        log.Entries.Enqueue($"store {upload.Name} {Convert.ToHexString(upload.Data)}");
        return Task.FromResult($"{upload.Name}:{upload.Data.Length}");
    }

    public async Task<FileDownload> Fetch(string name)
    {
        var download = new FileDownload(name, [1, 2, 3], [[4], [5, 6]], new byte[] { 7 });

        // The same record as an event (BINARY_EVENT), then as the acknowledgement (BINARY_ACK).
        await Clients.Caller.Pushed(download);
        return download;
    }

    public Task<Stamp> EchoStamp(Stamp stamp)
    {
        log.Entries.Enqueue($"stamp {stamp.Label} {stamp.At:O}");

        // Half a millisecond more and another offset: JavaScript must still get its own form back, truncated.
        return Task.FromResult(stamp with { At = stamp.At.ToOffset(TimeSpan.FromHours(2)).AddTicks(5_000) });
    }
}
