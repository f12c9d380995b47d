using System.Globalization;

namespace Tracker.Cloud.Local.Security;

/// <summary>The simulated cars' ids: <c>car-0001</c>, <c>car-0002</c>... (valid AWS IoT thing names).</summary>
public static class CarIds
{
    /// <summary>The id of the <paramref name="number"/>th car (1-based).</summary>
    /// <param name="number">1 or more.</param>
    /// <returns>The id.</returns>
    public static string Of(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        return "car-" + number.ToString("D4", CultureInfo.InvariantCulture);
    }
}
