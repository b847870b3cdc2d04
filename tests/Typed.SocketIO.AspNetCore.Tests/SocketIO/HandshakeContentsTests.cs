using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>
/// <c>socket.Handshake.Query</c> and <c>Headers</c> are built on first access from what the handshake request carried,
/// so they must still be right when read long after that request ended (a polling handshake's GET is over before the
/// namespace CONNECT arrives in a later POST).
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class HandshakeContentsTests
{
    [Fact]
    public async Task Query_and_headers_of_a_finished_polling_handshake_are_read_on_connect()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.Emit(
                "hs",
                socket.Handshake.Query["token"].ToString(),
                socket.Handshake.Query["x"].ToString(),
                socket.Handshake.Headers["X-Test"].ToString(),
                socket.Handshake.Query.ContainsKey("EIO"))));
        using var timeout = new CancellationTokenSource(SocketIOTestServer.BoundMs);

        using var open = new HttpRequestMessage(HttpMethod.Get, server.Url("EIO=4&transport=polling&token=a%20b+c&x=1&x=2"));
        open.Headers.Add("X-Test", "hello");
        string sid;
        using (var response = await server.Http.SendAsync(open, timeout.Token))
        {
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(body.AsMemory(1));
            sid = json.RootElement.GetProperty("sid").GetString()!;
        }

        var session = server.Url($"EIO=4&transport=polling&sid={sid}");
        using (var content = new ByteArrayContent(Encoding.UTF8.GetBytes("40")))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "UTF-8" };
            using var posted = await server.Http.PostAsync(session, content, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        // The CONNECT reply and the event may come in one GET or two.
        var packets = new List<string>();
        while (!packets.Exists(p => p.StartsWith("42", StringComparison.Ordinal)))
        {
            using var poll = await server.Http.GetAsync(session, timeout.Token);
            packets.AddRange((await poll.Content.ReadAsStringAsync(timeout.Token)).Split('\x1e'));
        }

        Assert.Equal("""42["hs","a b c","1,2","hello",true]""", packets.Find(p => p.StartsWith("42", StringComparison.Ordinal)));
    }
}
