using System.Net;
using System.Text;
using System.Text.Json;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.EngineIO;
using static Typed.SocketIO.AspNetCore.Tests.Infrastructure.PollingTestSupport;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// Hostile and malformed HTTP input (BAD-INPUTS.md section A, plus E1): each test asserts what "Our server MUST" do,
/// with the exact status and body of SPEC A5 where it gives one, and then proves the server still serves a fresh client.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class BadHttpInputTests
{
    private const string TransportUnknown = "Transport unknown";
    private const string SessionIdUnknown = "Session ID unknown";
    private const string BadHandshakeMethod = "Bad handshake method";
    private const string BadRequest = "Bad request";
    private const string UnsupportedProtocolVersion = "Unsupported protocol version";

    // ---- A1: protocol version -------------------------------------------------------------------------------------

    [Theory]
    [InlineData("transport=polling")]
    [InlineData("EIO=3&transport=polling")]
    [InlineData("EIO=5&transport=polling")]
    [InlineData("EIO=abc&transport=polling")]
    [InlineData("EIO=&transport=polling")]
    [InlineData("EIO=04&transport=polling")]
    [InlineData("EIO=4.1&transport=polling")]
    public async Task A1_handshake_with_any_protocol_version_but_exactly_4_gets_400_code_5(string query)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);

        using var response = await server.GetAsync(query);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 5, UnsupportedProtocolVersion);
        await server.AssertServesFreshClientAsync();
    }

    [Theory]
    [InlineData("transport=websocket")]
    [InlineData("EIO=3&transport=websocket")]
    [InlineData("EIO=abc&transport=websocket")]
    public async Task A1_websocket_handshake_with_an_unsupported_protocol_version_is_refused_before_the_upgrade(string query)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);

        Assert.Equal(HttpStatusCode.BadRequest, await server.ConnectWebSocketExpectingRefusalAsync(query));

        await server.AssertServesFreshClientAsync();
    }

    // ---- A2: transport --------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("EIO=4&transport=tobi")]
    [InlineData("EIO=4&transport=__proto__")]
    [InlineData("EIO=4&transport=constructor")]
    [InlineData("EIO=4")]
    [InlineData("EIO=4&transport=")]
    [InlineData("EIO=4&transport=webtransport")]
    [InlineData("EIO=4&transport=Polling")]
    [InlineData("EIO=4&transport=polling%00")]
    public async Task A2_unknown_transport_gets_400_code_0(string query)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);

        using var response = await server.GetAsync(query);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 0, TransportUnknown);
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task A2_disabled_transport_counts_as_unknown_and_gets_400_code_0()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            NoHeartbeat(o);
            o.Transports = EngineIOTransports.Polling;
        });

        using var response = await server.GetAsync("EIO=4&transport=websocket");

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 0, TransportUnknown);
        await server.AssertServesFreshClientAsync();
    }

    // ---- A3: handshake method -------------------------------------------------------------------------------------

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("OPTIONS")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task A3_handshake_with_a_method_other_than_get_gets_400_code_2(string method)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var content = method is "POST" or "PUT" or "PATCH" ? new StringContent("4hello") : null;

        using var response = await server.SendAsync(new HttpMethod(method), "EIO=4&transport=polling", content);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 2, BadHandshakeMethod);
        await server.AssertServesFreshClientAsync();
    }

    // ---- A4: websocket transport without an upgrade ---------------------------------------------------------------

    [Fact]
    public async Task A4_plain_get_for_the_websocket_transport_gets_400_code_3()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);

        using var response = await server.GetAsync("EIO=4&transport=websocket");

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 3, BadRequest);
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task A4_plain_get_for_the_websocket_transport_with_a_valid_sid_gets_400_code_3_and_leaves_the_session_open()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        using var response = await server.GetAsync($"EIO=4&transport=websocket&sid={sid}");

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 3, BadRequest);
        Assert.True(server.Handler.Socket(sid).IsOpen);
        await server.AssertServesFreshClientAsync();
    }

    // ---- A5: invalid characters in Origin -------------------------------------------------------------------------

    [Theory]
    [InlineData("http://evil\u0001.example", false)]
    [InlineData("http://evil\u001f.example", false)]
    [InlineData("http://evil\u007f.example", false)]
    [InlineData("http://evil\u0000.example", true)] // Kestrel refuses a NUL in a header before the app sees it
    public async Task A5_origin_with_a_control_character_or_del_is_refused_with_400(string origin, bool kestrelRefusesFirst)
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            NoHeartbeat(o);
            o.AllowAnyOrigin = true; // only the character check can refuse it
        });

        var response = await RawHttp.SendAsync(server.BaseUri, "GET", "/engine.io/?EIO=4&transport=polling", [("Origin", origin)]);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(kestrelRefusesFirst ? string.Empty : "{\"code\":3,\"message\":\"Bad request\"}", response.Body);
        Assert.Equal(0, SessionCountOf(server));
        await server.AssertServesFreshClientAsync();
    }

    // ---- A6: allowRequest -----------------------------------------------------------------------------------------

    public static TheoryData<string> HookKinds => new() { "sync", "async" };

    /// <summary>A hook that rejects handshakes whose query carries <c>deny</c>, so a fresh client still gets in.</summary>
    private static void UseDenyHook(EngineIOOptions options, string kind)
    {
        NoHeartbeat(options);
        if (kind == "sync")
        {
            options.AllowRequest = ctx => ctx.Request.Query.ContainsKey("deny") ? AllowRequestResult.Reject("nope") : AllowRequestResult.Allow();
        }
        else
        {
            options.AllowRequest = async ctx =>
            {
                await Task.Delay(10);
                return ctx.Request.Query.ContainsKey("deny") ? AllowRequestResult.Reject("nope") : AllowRequestResult.Allow();
            };
        }
    }

    [Theory]
    [MemberData(nameof(HookKinds))]
    public async Task A6_handshake_rejected_by_allow_request_gets_403_code_4_with_the_hook_message(string kind)
    {
        await using var server = await EngineIOTestServer.StartAsync(o => UseDenyHook(o, kind));

        using var response = await server.GetAsync("EIO=4&transport=polling&deny=1");

        await AssertErrorAsync(response, HttpStatusCode.Forbidden, 4, "nope");
        Assert.Equal(0, SessionCountOf(server));
        await server.AssertServesFreshClientAsync();
    }

    [Theory]
    [MemberData(nameof(HookKinds))]
    public async Task A6_websocket_handshake_rejected_by_allow_request_fails_with_403(string kind)
    {
        await using var server = await EngineIOTestServer.StartAsync(o => UseDenyHook(o, kind));

        Assert.Equal(HttpStatusCode.Forbidden, await server.ConnectWebSocketExpectingRefusalAsync("EIO=4&transport=websocket&deny=1"));

        Assert.Equal(0, SessionCountOf(server));
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task A6_rejection_without_a_message_says_forbidden()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            NoHeartbeat(o);
            o.AllowRequest = ctx => ctx.Request.Query.ContainsKey("deny") ? AllowRequestResult.Reject() : AllowRequestResult.Allow();
        });

        using var response = await server.GetAsync("EIO=4&transport=polling&deny=1");

        await AssertErrorAsync(response, HttpStatusCode.Forbidden, 4, "Forbidden");
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task A6_allow_request_runs_only_for_handshakes_not_for_requests_that_carry_a_sid()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => UseDenyHook(o, "sync"));
        var sid = await server.HandshakeAsync();

        using (var post = await server.Http.PostAsync(server.Url($"EIO=4&transport=polling&sid={sid}&deny=1"), new StringContent("4hi")))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        using (var get = await server.GetAsync($"EIO=4&transport=polling&sid={sid}&deny=1"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("4hi", await get.Content.ReadAsStringAsync());
        }

        using var upgrade = await server.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}&deny=1");
        await upgrade.SendTextAsync("2probe");
        Assert.Equal("3probe", await upgrade.ReceiveTextAsync());
        upgrade.Abort();
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task A6_allow_request_on_upgrade_refuses_a_rejected_upgrade_with_403_and_keeps_the_polling_session()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            UseDenyHook(o, "sync");
            o.AllowRequestOnUpgrade = true;
        });
        var sid = await server.HandshakeAsync();

        Assert.Equal(HttpStatusCode.Forbidden, await server.ConnectWebSocketExpectingRefusalAsync($"EIO=4&transport=websocket&sid={sid}&deny=1"));

        Assert.True(server.Handler.Socket(sid).IsOpen);
        await server.PostOkAsync(sid, "4still polling");
        Assert.Equal("4still polling", await server.PollBodyAsync(sid));
        await server.AssertServesFreshClientAsync();
    }

    // ---- A8: unknown sid ------------------------------------------------------------------------------------------

    public static TheoryData<string, string> UnknownSids => new()
    {
        { "test", "GET" },
        { "test", "POST" },
        { "__proto__", "GET" },
        { "__proto__", "POST" },
        { "constructor", "GET" },
        { "500 chars", "GET" },
        { "500 chars", "POST" },
    };

    private static string SidFor(string label) => label == "500 chars" ? new string('a', 500) : label;

    [Theory]
    [MemberData(nameof(UnknownSids))]
    public async Task A8_polling_request_with_an_unknown_sid_gets_400_code_1(string sidLabel, string method)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = SidFor(sidLabel);

        using var response = method == "GET"
            ? await server.PollAsync(sid)
            : await server.PostAsync(sid, "4hello");

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 1, SessionIdUnknown);
        await server.AssertServesFreshClientAsync();
    }

    [Theory]
    [InlineData("test")]
    [InlineData("__proto__")]
    [InlineData("500 chars")]
    public async Task A8_websocket_upgrade_with_an_unknown_sid_gets_400_session_id_unknown_before_the_handshake(string sidLabel)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = SidFor(sidLabel);

        var response = await RawHttp.SendWebSocketUpgradeAsync(server.BaseUri, $"/engine.io/?EIO=4&transport=websocket&sid={sid}");

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(SessionIdUnknown, response.Body);
        Assert.Equal(HttpStatusCode.BadRequest, await server.ConnectWebSocketExpectingRefusalAsync($"EIO=4&transport=websocket&sid={sid}"));
        await server.AssertServesFreshClientAsync();
    }

    // ---- A9: transport mismatch -----------------------------------------------------------------------------------

    [Fact]
    public async Task A9_polling_get_and_post_on_a_session_opened_over_websocket_get_400_code_3_and_the_session_stays_open()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        using var socket = await server.ConnectWebSocketAsync("EIO=4&transport=websocket");
        var open = await socket.ReceiveTextAsync();
        var sid = JsonDocument.Parse(open.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;

        await AssertPollingRefusedAndWebSocketSessionKeptAsync(server, sid, socket);
    }

    [Fact]
    public async Task A9_polling_get_and_post_on_a_session_upgraded_to_websocket_get_400_code_3_and_the_session_stays_open()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var (sid, socket) = await server.HandshakeAndUpgradeAsync();
        using var _ = socket;

        await AssertPollingRefusedAndWebSocketSessionKeptAsync(server, sid, socket);
    }

    /// <summary>A9: polling requests on a WebSocket session get 400 code 3, and the session carries on.</summary>
    private static async Task AssertPollingRefusedAndWebSocketSessionKeptAsync(EngineIOTestServer server, string sid, System.Net.WebSockets.WebSocket socket)
    {
        using (var get = await server.PollAsync(sid))
        {
            await AssertErrorAsync(get, HttpStatusCode.BadRequest, 3, BadRequest);
        }

        using (var post = await server.PostAsync(sid, "4via polling"))
        {
            await AssertErrorAsync(post, HttpStatusCode.BadRequest, 3, BadRequest);
        }

        Assert.False(server.Handler.IsClosed(sid));
        await socket.SendTextAsync("4still here");
        Assert.Equal("4still here", await socket.ReceiveTextSkippingPingsAsync());
        await server.AssertServesFreshClientAsync();
    }

    // ---- A10 / A11: overlapping requests --------------------------------------------------------------------------

    [Fact]
    public async Task A10_second_concurrent_get_gets_400_empty_the_first_gets_close_and_the_session_closes_with_transport_error()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var first = server.PollAsync(sid);
        await server.Handler.Socket(sid).WaitForPendingGetAsync();

        using (var second = await server.PollAsync(sid))
        {
            await AssertEmptyErrorAsync(second, HttpStatusCode.BadRequest);
        }

        using (var firstResponse = await first.WaitAsync(TimeSpan.FromMilliseconds(BoundMs)))
        {
            Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
            Assert.Equal("1", await firstResponse.Content.ReadAsStringAsync());
        }

        Assert.Equal(EngineIOCloseReason.TransportError, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
        await server.AssertServesFreshClientAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A11_second_concurrent_post_gets_400_empty_and_the_session_closes_with_transport_error(bool firstAnnouncesLength)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var slowBody = new GatedContent("4first ha", "lf", firstAnnouncesLength);
        var first = server.Http.PostAsync(server.Url($"EIO=4&transport=polling&sid={sid}"), slowBody);
        await slowBody.FirstWritten.WaitAsync(TimeSpan.FromMilliseconds(BoundMs));
        await server.Handler.Socket(sid).WaitForPostInProgressAsync();

        using (var second = await server.PostAsync(sid, "4second"))
        {
            await AssertEmptyErrorAsync(second, HttpStatusCode.BadRequest);
        }

        Assert.Equal(EngineIOCloseReason.TransportError, await server.Handler.WaitForCloseAsync(sid));

        // The slow first POST is still answered (no hung request) once its body is complete.
        slowBody.Release();
        using (var firstResponse = await first.WaitAsync(TimeSpan.FromMilliseconds(BoundMs)))
        {
            Assert.True((int)firstResponse.StatusCode < 500, $"The first POST got {firstResponse.StatusCode}.");
        }

        await server.AssertSessionUnknownAsync(sid);
        await server.AssertServesFreshClientAsync();
    }

    // ---- A12: body larger than maxHttpBufferSize ------------------------------------------------------------------

    private static void SmallBuffer(EngineIOOptions options)
    {
        NoHeartbeat(options);
        options.MaxHttpBufferSize = 1000;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A12_post_larger_than_max_http_buffer_size_gets_413_and_the_session_closes_with_transport_error(bool announceLength)
    {
        await using var server = await EngineIOTestServer.StartAsync(SmallBuffer);
        var sid = await server.HandshakeAsync();
        var body = new GatedContent("4" + new string('x', 599), new string('y', 1401), announceLength);
        body.Release();

        using (var response = await server.Http.PostAsync(server.Url($"EIO=4&transport=polling&sid={sid}"), body))
        {
            await AssertEmptyErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        }

        Assert.Equal(EngineIOCloseReason.TransportError, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
        await server.AssertServesFreshClientAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A12_post_of_exactly_max_http_buffer_size_is_accepted(bool announceLength)
    {
        await using var server = await EngineIOTestServer.StartAsync(SmallBuffer);
        var sid = await server.HandshakeAsync();
        var text = "4" + new string('x', 499) + new string('y', 500);
        var body = new GatedContent(text[..500], text[500..], announceLength);
        body.Release();

        using (var response = await server.Http.PostAsync(server.Url($"EIO=4&transport=polling&sid={sid}"), body))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(text, await server.PollBodyAsync(sid));
        await server.AssertServesFreshClientAsync();
    }

    // ---- A13: binary content type ---------------------------------------------------------------------------------

    [Fact]
    public async Task A13_post_with_octet_stream_content_type_gets_400_empty_and_the_session_closes()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        using (var response = await server.PostBytesAsync(sid, [0x04, 0x01, 0x02], "application/octet-stream"))
        {
            await AssertEmptyErrorAsync(response, HttpStatusCode.BadRequest);
        }

        Assert.Equal(EngineIOCloseReason.TransportError, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
        await server.AssertServesFreshClientAsync();
    }

    // ---- A14: other methods with a sid ----------------------------------------------------------------------------

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task A14_other_methods_with_a_valid_sid_get_400_not_500(string method)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var content = method is "PUT" or "PATCH" ? new StringContent("4hello") : null;

        using var response = await server.SendAsync(new HttpMethod(method), $"EIO=4&transport=polling&sid={sid}", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await server.AssertServesFreshClientAsync();
    }

    // ---- A15 / A16 / A17 / invalid UTF-8: undecodable payloads ----------------------------------------------------

    [Theory]
    [InlineData("4a\u001ezz\u001e4b")] // A15: invalid packet type in the middle
    [InlineData("9x")] // A15
    [InlineData("7")]
    [InlineData("x")]
    [InlineData("")] // A16: empty body
    [InlineData("4a\u001e\u001e4b")] // A16: empty packet
    [InlineData("4a\u001e")] // A16: trailing separator
    [InlineData("\u001e4a")] // leading separator
    [InlineData("b!!!notbase64***")] // A17
    [InlineData("bAQID BA==")] // A17: whitespace inside base64
    [InlineData("bAQIDBA=")] // A17: bad padding
    [InlineData("bAQIDBA")] // A17: missing padding
    [InlineData("b====")] // A17: padding only
    [InlineData("4ok\u001ebAQ-_A==")] // A17: base64url alphabet
    public async Task A15_to_A17_undecodable_payload_gets_400_and_closes_the_session_with_parse_error(string payload)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        using (var response = await server.PostAsync(sid, payload))
        {
            await AssertEmptyErrorAsync(response, HttpStatusCode.BadRequest);
        }

        Assert.Equal(EngineIOCloseReason.ParseError, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
        await server.AssertServesFreshClientAsync();
    }

    [Theory]
    [InlineData("34FFFE")] // bytes that never occur in UTF-8
    [InlineData("34C0AF")] // overlong encoding of '/'
    [InlineData("34EDA080")] // UTF-16 surrogate encoded as UTF-8
    [InlineData("34E282")] // truncated sequence at the end
    [InlineData("3461E2821E3462")] // truncated sequence before a separator
    public async Task Invalid_utf8_in_a_post_body_closes_the_session_with_parse_error(string hex)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        using (var response = await server.PostBytesAsync(sid, Convert.FromHexString(hex)))
        {
            await AssertEmptyErrorAsync(response, HttpStatusCode.BadRequest);
        }

        Assert.Equal(EngineIOCloseReason.ParseError, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
        await server.AssertServesFreshClientAsync();
    }

    // ---- A18: packets per payload ---------------------------------------------------------------------------------

    private static void HundredPackets(EngineIOOptions options)
    {
        NoHeartbeat(options);
        options.MaxPacketsPerPayload = 100;
    }

    [Fact]
    public async Task A18_payload_with_more_packets_than_the_cap_closes_the_session_with_parse_error()
    {
        await using var server = await EngineIOTestServer.StartAsync(HundredPackets);
        var sid = await server.HandshakeAsync();

        using (var response = await server.PostAsync(sid, string.Join('\u001e', Enumerable.Repeat("3", 101))))
        {
            await AssertEmptyErrorAsync(response, HttpStatusCode.BadRequest);
        }

        Assert.Equal(EngineIOCloseReason.ParseError, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task A18_payload_with_exactly_the_cap_of_packets_is_accepted()
    {
        await using var server = await EngineIOTestServer.StartAsync(HundredPackets);
        var sid = await server.HandshakeAsync();

        await server.PostOkAsync(sid, string.Join('\u001e', Enumerable.Repeat("3", 99).Append("4last")));

        Assert.True(server.Handler.Socket(sid).IsOpen);
        Assert.Equal("4last", await server.PollBodyAsync(sid));
        await server.AssertServesFreshClientAsync();
    }

    // ---- A22: handshake then silence ------------------------------------------------------------------------------

    [Fact]
    public async Task A22_session_that_never_polls_closes_with_ping_timeout_after_interval_plus_timeout()
    {
        await using var server = await EngineIOTestServer.StartAsync(EngineIOTestServer.ShortPingTimeout); // ping 300 ms, timeout 200 ms
        var sid = await server.HandshakeAsync();
        var elapsed = System.Diagnostics.Stopwatch.StartNew();

        Assert.Equal(EngineIOCloseReason.PingTimeout, await server.Handler.WaitForCloseAsync(sid, timeoutMs: 3000));

        Assert.True(elapsed.ElapsedMilliseconds >= 400, $"Closed after {elapsed.ElapsedMilliseconds} ms, before interval + timeout (500 ms).");
        await server.AssertSessionUnknownAsync(sid);
        await server.AssertServesFreshClientAsync();
    }

    // ---- A23: duplicate query keys --------------------------------------------------------------------------------

    [Theory]
    [InlineData("EIO=4&EIO=3&transport=polling")]
    [InlineData("EIO=4&EIO=4&transport=polling")]
    [InlineData("EIO=4&transport=polling&transport=websocket")]
    [InlineData("EIO=4&transport=polling&sid=a&sid=b")]
    public async Task A23_duplicate_query_keys_get_400_code_3(string query)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);

        using var response = await server.GetAsync(query);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 3, BadRequest);
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task A23_duplicate_sid_of_a_live_session_gets_400_code_3_and_leaves_the_session_alone()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        using var response = await server.GetAsync($"EIO=4&transport=polling&sid={sid}&sid={sid}");

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 3, BadRequest);
        Assert.True(server.Handler.Socket(sid).IsOpen);
        await server.AssertServesFreshClientAsync();
    }

    // ---- E1: Origin allow-list ------------------------------------------------------------------------------------

    private static Action<HttpRequestMessage> WithOrigin(string origin) => request => request.Headers.Add("Origin", origin);

    [Fact]
    public async Task E1_cross_origin_polling_handshake_is_refused_with_403_code_4()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);

        using var response = await server.GetAsync("EIO=4&transport=polling", WithOrigin("https://evil.example"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(4, json.RootElement.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("message").GetString()));
        Assert.Equal(0, SessionCountOf(server));
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task E1_same_origin_polling_handshake_is_allowed()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var self = server.BaseUri.GetLeftPart(UriPartial.Authority); // http://127.0.0.1:port

        using var response = await server.GetAsync("EIO=4&transport=polling", WithOrigin(self));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("0{\"sid\":", await response.Content.ReadAsStringAsync());
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task E1_handshake_without_origin_is_allowed_by_default()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);

        using var response = await server.GetAsync("EIO=4&transport=polling");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("0{\"sid\":", await response.Content.ReadAsStringAsync());
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task E1_handshake_without_origin_is_refused_when_requests_without_origin_are_disallowed()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            NoHeartbeat(o);
            o.AllowRequestsWithoutOrigin = false;
        });
        var self = server.BaseUri.GetLeftPart(UriPartial.Authority);

        using (var response = await server.GetAsync("EIO=4&transport=polling"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using (var sameOrigin = await server.GetAsync("EIO=4&transport=polling", WithOrigin(self)))
        {
            Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
        }
    }

    [Fact]
    public async Task E1_allow_list_admits_the_listed_origin_and_refuses_others()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            NoHeartbeat(o);
            o.AllowedOrigins.Add("https://good.example");
        });

        using (var good = await server.GetAsync("EIO=4&transport=polling", WithOrigin("https://good.example")))
        {
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        }

        using (var evil = await server.GetAsync("EIO=4&transport=polling", WithOrigin("https://evil.example")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, evil.StatusCode);
        }

        using (var lookalike = await server.GetAsync("EIO=4&transport=polling", WithOrigin("https://good.example.evil.example")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, lookalike.StatusCode);
        }

        using (var otherScheme = await server.GetAsync("EIO=4&transport=polling", WithOrigin("http://good.example")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, otherScheme.StatusCode);
        }

        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task E1_allow_any_origin_admits_every_origin()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            NoHeartbeat(o);
            o.AllowAnyOrigin = true;
        });

        using var response = await server.GetAsync("EIO=4&transport=polling", WithOrigin("https://evil.example"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("0{\"sid\":", await response.Content.ReadAsStringAsync());
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task E1_cross_origin_websocket_handshake_is_refused_with_403()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);

        var status = await server.ConnectWebSocketExpectingRefusalAsync(
            "EIO=4&transport=websocket", o => o.SetRequestHeader("Origin", "https://evil.example"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(0, SessionCountOf(server));
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task E1_cross_origin_websocket_upgrade_of_a_polling_session_is_refused_with_403_and_polling_continues()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        var status = await server.ConnectWebSocketExpectingRefusalAsync(
            $"EIO=4&transport=websocket&sid={sid}", o => o.SetRequestHeader("Origin", "https://evil.example"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        await server.PostOkAsync(sid, "4still polling");
        Assert.Equal("4still polling", await server.PollBodyAsync(sid));
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task E1_same_origin_websocket_handshake_is_accepted()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var self = server.BaseUri.GetLeftPart(UriPartial.Authority);

        using var socket = await server.ConnectWebSocketAsync("EIO=4&transport=websocket", o => o.SetRequestHeader("Origin", self));

        Assert.StartsWith("0{\"sid\":", await socket.ReceiveTextAsync());
        await server.AssertServesFreshClientAsync();
    }

    /// <summary>How many sessions the endpoint holds (a refused request must not leave one behind).</summary>
    private static int SessionCountOf(EngineIOTestServer server) => server.Handler.OpenedCount();
}
