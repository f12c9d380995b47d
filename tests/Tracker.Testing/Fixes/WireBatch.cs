using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Testing;

/// <summary>Fixes as a car sends them: one wire batch made by the firmware's own encoder.</summary>
public static class WireBatch
{
    /// <summary>Encodes every fix into one batch (the test fails if they do not all fit).</summary>
    /// <param name="fixes">The fixes, in the order to send.</param>
    /// <returns>The batch's bytes.</returns>
    public static byte[] Encode(params Fix[] fixes)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        byte[] buffer = new byte[BatchFormat.MaxPayloadBytes];
        int length = new BatchEncoder().Encode(fixes, 0, fixes.Length, buffer, 0, out int written);
        Assert.Equal(fixes.Length, written);
        return buffer[..length];
    }
}
