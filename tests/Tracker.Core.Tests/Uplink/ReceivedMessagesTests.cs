using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Uplink;

public class ReceivedMessagesTests
{
    [Fact]
    public void Full_DropsTheOldest_CountsIt_AndKeepsOrder()
    {
        var q = new ReceivedMessages(2);
        q.Add("a", [1]);
        q.Add("b", [2]);
        q.Add("c", [3]);

        Assert.Equal(1, q.Dropped);
        Assert.True(q.TryTake(out string t1, out byte[] p1));
        Assert.True(q.TryTake(out string t2, out _));
        Assert.False(q.TryTake(out string none, out byte[] empty));
        Assert.Equal(("b", (byte)2, "c"), (t1, p1[0], t2));
        Assert.Equal(string.Empty, none);
        Assert.Empty(empty);
    }

    [Fact]
    public void Clear_ForgetsEverythingWaiting()
    {
        var q = new ReceivedMessages(3);
        q.Add("a", [1]);
        q.Add("b", [2]);
        q.Clear();
        q.Add("c", [3]);

        Assert.Equal(1, q.Count);
        Assert.True(q.TryTake(out string topic, out _));
        Assert.Equal("c", topic);
    }
}
