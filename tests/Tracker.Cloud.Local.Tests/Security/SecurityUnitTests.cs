using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Tracker.Cloud.Local.Broker;
using Tracker.Cloud.Local.Security;

namespace Tracker.Cloud.Local.Tests.Security;

/// <summary>The pure parts of the defences: the MQTT frame scanner, the sign-in throttle on a fake clock, the hashes.</summary>
public sealed class SecurityUnitTests
{
    [Theory]
    [InlineData(new byte[] { 0x30, 0x00 }, true)]
    [InlineData(new byte[] { 0x30, 0x7F }, true)]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0x7F }, false)] // 268,435,455 bytes declared
    [InlineData(new byte[] { 0x30, 0x80, 0x80, 0x80, 0x80, 0x01 }, false)] // a fifth length byte
    public void FrameScanner_RefusesFromTheHeader(byte[] stream, bool allowed)
    {
        var scanner = new MqttFrameScanner(BrokerLimits.MaxPacketBytes);

        Assert.Equal(allowed, scanner.Scan(stream));
    }

    [Property(MaxTest = 300)]
    public bool FrameScanner_AcceptsAnySplitOfPacketsWithinTheLimit_AndRefusesOneOver(byte[][] payloads, byte split)
    {
        var stream = new List<byte>();
        foreach (byte[] p in payloads ?? [])
        {
            stream.Add(0x30);
            int length = p?.Length ?? 0;
            do
            {
                byte b = (byte)(length % 128);
                length /= 128;
                stream.Add(length > 0 ? (byte)(b | 0x80) : b);
            }
            while (length > 0);
            stream.AddRange(p ?? []);
        }

        var scanner = new MqttFrameScanner(1000);
        byte[] all = [.. stream];
        int cut = all.Length == 0 ? 0 : split % all.Length;
        bool within = scanner.Scan(all.AsSpan(0, cut)) && scanner.Scan(all.AsSpan(cut));
        bool over = new MqttFrameScanner(1000).Scan([0x30, 0xE9, 0x07]); // 1001
        return within && !over;
    }

    [Fact]
    public void Throttle_NeverLocksAUserForLongerThanTheMaximum_AndASuccessClearsIt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var throttle = new LoginThrottle(clock);
        for (int i = 0; i < 1000; i++)
        {
            // An attacker from ever new addresses (so the per-address limit does not stop them) fails as fast as allowed.
            if (throttle.TryBegin("ops", "10.0.0." + (i % 250), known: true, out TimeSpan wait))
            {
                throttle.End("ops", known: true, succeeded: false);
            }
            else
            {
                Assert.InRange(wait, TimeSpan.Zero, LoginThrottle.MaxLockout);
                clock.Advance(TimeSpan.FromMilliseconds(100));
            }
        }

        Assert.False(throttle.TryBegin("ops", "192.0.2.1", known: true, out TimeSpan left));
        Assert.InRange(left, TimeSpan.Zero, LoginThrottle.MaxLockout);
        clock.Advance(LoginThrottle.MaxLockout);
        Assert.True(throttle.TryBegin("ops", "192.0.2.1", known: true, out _));
        throttle.End("ops", known: true, succeeded: true);
        Assert.True(throttle.TryBegin("ops", "192.0.2.1", known: true, out _));
    }

    [Fact]
    public void Throttle_RefillsAnAddress_AtItsRate()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var throttle = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.AttemptsPerAddressPerMinute; i++)
        {
            Assert.True(throttle.TryBegin("u" + i, "192.0.2.9", known: false, out _));
        }

        Assert.False(throttle.TryBegin("x", "192.0.2.9", known: false, out TimeSpan wait));
        clock.Advance(wait);
        Assert.True(throttle.TryBegin("x", "192.0.2.9", known: false, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pbkdf2-sha256$x$y$z")]
    [InlineData("pbkdf2-sha256$1000$!!$AAAA")]
    [InlineData("sha1$1000$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("plain-password")]
    public void PasswordHash_Malformed_MatchesNothing_AndNeverThrows(string? stored)
    {
        Assert.False(PasswordHash.Verify("plain-password", stored));
    }

    [Fact]
    public void PasswordHash_IsSalted_AndVerifies()
    {
        string a = PasswordHash.Create("secret", 1000);
        string b = PasswordHash.Create("secret", 1000);

        Assert.NotEqual(a, b);
        Assert.True(PasswordHash.Verify("secret", a));
        Assert.False(PasswordHash.Verify("Secret", a));
        Assert.StartsWith("pbkdf2-sha256$600000$", PasswordHash.Create("secret"), StringComparison.Ordinal);
    }
}
