using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Config;
using Tracker.Core.Control;

namespace Tracker.Cloud.Testing;

/// <summary>A desired config that leaves the modem almost no room: a key more and the car's delta would pass 1,024 bytes.</summary>
public static class FullDesiredConfig
{
    /// <summary>Most of the report policy at its longest values, by shadow name, each kept only while the worst-case delta fits.</summary>
    /// <returns>A new object.</returns>
    public static JsonObject Build()
    {
        var big = new JsonObject();
        for (int i = 0; i < ShadowNames.Count; i++)
        {
            string key = ShadowNames.KeyAt(i);
            if (RemoteKeys.ClassOf(key) == RemoteClass.Live && RemoteKeys.ValueTypeOf(key) == RemoteValueType.Number)
            {
                big[ShadowNames.NameAt(i)] = 1_000_000_000;
                if (DesiredConfig.WorstCaseBytes(big) > ShadowLimits.MaxMessageBytes)
                {
                    big.Remove(ShadowNames.NameAt(i));
                }
            }
        }

        return big;
    }
}
