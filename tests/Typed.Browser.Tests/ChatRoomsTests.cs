using Chat;
using Chat.Server;

namespace Typed.Browser.Tests;

/// <summary>The chat sample's room state on its own (no server, no browser): history and bounds.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class ChatRoomsTests
{
    [Fact]
    public void History_keeps_the_last_messages_of_a_room_for_late_joiners()
    {
        var rooms = new ChatRooms(TimeProvider.System);
        Assert.True(rooms.Join("r", "s1", "alice").Ok);
        for (var i = 0; i < ChatLimits.HistoryPerRoom + 5; i++)
        {
            Assert.NotNull(rooms.Post("r", "s1", $"text {i}").Message);
        }

        var (room, members) = Assert.Single(rooms.LeaveAll("s1"));
        Assert.Equal("r", room);
        Assert.Empty(members);
        var late = rooms.Join("r", "s2", "bob");
        Assert.Equal(ChatLimits.HistoryPerRoom, late.History.Length);
        Assert.Equal("text 5", late.History[0].Text);
        Assert.Equal($"text {ChatLimits.HistoryPerRoom + 4}", late.History[^1].Text);
        Assert.Equal(["bob"], late.Members);
    }

    [Fact]
    public void Bad_input_is_refused_with_a_reason()
    {
        var rooms = new ChatRooms(TimeProvider.System);
        Assert.Contains("letters, digits", rooms.Join("a b", "s1", "alice").Error);
        Assert.Contains("longer than", rooms.Join(new string('r', ChatLimits.MaxRoomLength + 1), "s1", "alice").Error);
        Assert.Contains("join room 'r' before sending", rooms.Post("r", "s1", "hi").Error);
        Assert.True(rooms.Join("r", "s1", "alice").Ok);
        Assert.Equal("the message is empty", rooms.Post("r", "s1", "  ").Error);
        Assert.Contains("longer than", rooms.Post("r", "s1", new string('x', ChatLimits.MaxTextLength + 1)).Error);
        Assert.Equal("a nickname is required", ChatLimits.CheckNickname(" "));
        Assert.Contains("control characters", ChatLimits.CheckNickname("a\nb"));
    }

    [Fact]
    public void Rooms_are_bounded_per_connection_and_in_total_and_idle_empty_rooms_make_way()
    {
        var rooms = new ChatRooms(TimeProvider.System);
        for (var i = 0; i < ChatLimits.MaxRoomsPerConnection; i++)
        {
            Assert.True(rooms.Join($"r{i}", "s1", "alice").Ok);
        }

        Assert.Contains("at most", rooms.Join("one-more", "s1", "alice").Error);
        Assert.True(rooms.Join("r0", "s1", "alice").Ok);   // joining again is fine

        // Fill the server: every room has a member, so a new one is refused.
        for (var i = ChatLimits.MaxRoomsPerConnection; i < ChatLimits.MaxRooms; i++)
        {
            Assert.True(rooms.Join($"r{i}", $"s{i}", "x").Ok);
        }

        Assert.Contains("too many active rooms", rooms.Join("new", "s-new", "y").Error);

        // Once a room is empty, a new room takes its slot.
        Assert.NotNull(rooms.Leave($"r{ChatLimits.MaxRooms - 1}", $"s{ChatLimits.MaxRooms - 1}"));
        Assert.True(rooms.Join("new", "s-new", "y").Ok);
        Assert.Empty(rooms.Members($"r{ChatLimits.MaxRooms - 1}"));
    }
}
