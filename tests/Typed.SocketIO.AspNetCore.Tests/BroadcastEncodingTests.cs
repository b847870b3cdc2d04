using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.EngineIO;
using Typed.EngineIO.Internal;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>DESIGN: "broadcast encodes a packet once and writes the same bytes to every recipient".</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class BroadcastEncodingTests
{
    [Fact]
    public async Task Broadcast_queues_the_same_encoded_bytes_on_every_recipient()
    {
        var builder = KestrelTestHost.CreateBuilder();
        builder.Services.AddSocketIO(o => o.EngineIO.PingInterval = TimeSpan.FromSeconds(30));
        await using var app = builder.Build();
        app.MapSocketIO();
        using var http = new HttpClient { BaseAddress = (await KestrelTestHost.StartAsync(app)).BaseUri };
        var io = app.Services.GetRequiredService<SocketIOServer>();

        // Three polling clients join "/" and then stop polling, so whatever the server sends stays queued.
        for (var i = 0; i < 3; i++)
        {
            var open = await http.GetStringAsync("/socket.io/?EIO=4&transport=polling");
            var sid = JsonDocument.Parse(open.AsMemory(1)).RootElement.GetProperty("sid").GetString();
            var content = new ByteArrayContent("40"u8.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            using (await http.PostAsync($"/socket.io/?EIO=4&transport=polling&sid={sid}", content))
            {
            }

            Assert.StartsWith("40{\"sid\":", await http.GetStringAsync($"/socket.io/?EIO=4&transport=polling&sid={sid}"));
        }

        io.Emit("news", "same bytes for all", new byte[] { 1, 2, 3 });

        var queued = io.MainNamespace.Sockets.Values.Select(s => Outbox((EngineIOSession)s.Connection)).ToArray();
        Assert.Equal(3, queued.Length);
        Assert.All(queued, packets => Assert.Equal(2, packets.Length)); // the text packet and its attachment
        for (var part = 0; part < 2; part++)
        {
            var first = ArrayOf(queued[0][part]);
            Assert.All(queued, packets => Assert.Same(first, ArrayOf(packets[part])));
        }

        Assert.Equal("451-[\"news\",\"same bytes for all\",{\"_placeholder\":true,\"num\":0}]", Encoding.UTF8.GetString(queued[0][0].Encoded.Span));
    }

    private static EngineIOOutgoingPacket[] Outbox(EngineIOSession session)
    {
        var field = typeof(EngineIOSession).GetField("_outbox", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("EngineIOSession._outbox was renamed; update this test.");
        lock (typeof(EngineIOSession).GetField("_gate", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(session)!)
        {
            return [.. (List<EngineIOOutgoingPacket>)field.GetValue(session)!];
        }
    }

    /// <summary>What holds a packet's bytes: an array, or (a text packet's shared WebSocket frame) its memory manager.</summary>
    private static object ArrayOf(EngineIOOutgoingPacket packet) =>
        MemoryMarshal.TryGetArray(packet.Encoded, out var segment) ? segment.Array!
        : MemoryMarshal.TryGetMemoryManager<byte, System.Buffers.MemoryManager<byte>>(packet.Encoded, out var manager) ? manager
        : throw new InvalidOperationException("neither array- nor manager-backed");
}
