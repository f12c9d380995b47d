using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Config;
using Tracker.Cloud.Local.Shadow;
using Tracker.Core.Control;

namespace Tracker.Cloud.Local.Tests.Unit;

/// <summary>The API's reading of an operator's config change: keys, types, the 1,024-byte budget, and garbage.</summary>
public class DesiredConfigTests
{
    [Fact]
    public void KeysByTrackerConfNameOrShadowName_AreWrittenByShadowName_OverTheCurrentDesired()
    {
        var current = new JsonObject { ["mvMinP"] = 10, ["upP"] = 300 };

        Assert.True(DesiredConfig.TryRead("{\"cfg\":{\"uplink.normalPeriodS\":600,\"rat\":\"nbiot\",\"uplink.liveWhenMoving\":false}}"u8, current, out JsonObject merged, out JsonObject change, out string error), error);

        Assert.Equal("{\"upP\":600,\"rat\":\"nbiot\",\"upLiveMv\":false}", change.ToJsonString());
        Assert.Equal(10, (int)merged["mvMinP"]!);
        Assert.Equal(600, (int)merged["upP"]!);
    }

    [Fact]
    public void TheBudget_IsTheMergedDocuments_AtTheLimitAndOneOver()
    {
        // A string key grown one byte at a time: accepted up to 1,024 bytes of worst-case delta, refused past it.
        string? accepted = null;
        for (int n = 1; n < 1024; n++)
        {
            var cfg = new JsonObject { ["mqRule"] = new string('r', n) };
            int bytes = DesiredConfig.WorstCaseBytes(cfg);
            bool ok = DesiredConfig.TryRead(Encoding.UTF8.GetBytes("{\"cfg\":{\"mqtt.ingestRule\":\"" + new string('r', n) + "\"}}"), null, out _, out _, out string error);
            Assert.Equal(bytes <= ShadowLimits.MaxMessageBytes, ok);
            if (!ok)
            {
                Assert.Contains((bytes - ShadowLimits.MaxMessageBytes) + " over", error, StringComparison.Ordinal);
                break;
            }

            accepted = error;
        }

        Assert.NotNull(accepted);
    }

    [Fact]
    public void RandomAndMutatedBodies_NeverThrow_AndAcceptOnlyWellFormedChanges()
    {
        var random = new Random(1818);
        byte[] good = "{\"cfg\":{\"uplink.normalPeriodS\":600,\"rat\":\"nbiot\"}}"u8.ToArray();
        for (int i = 0; i < 5000; i++)
        {
            byte[] body = i % 2 == 0 ? good.ToArray() : new byte[random.Next(0, 200)];
            if (i % 2 == 0)
            {
                for (int m = random.Next(1, 4); m > 0; m--)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                }

                if (random.Next(4) == 0)
                {
                    body = body[..random.Next(body.Length)];
                }
            }
            else
            {
                random.NextBytes(body);
            }

            if (DesiredConfig.TryRead(body, null, out _, out JsonObject change, out string error))
            {
                Assert.All(change, p => Assert.NotEmpty(ShadowNames.KeyOf(p.Key)));
            }
            else
            {
                Assert.NotEmpty(error);
            }
        }
    }
}
