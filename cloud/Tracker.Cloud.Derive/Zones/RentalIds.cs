using System.Globalization;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Derive.Zones;

/// <summary>The id of a rental, which the rentals store keys on (car, renter, start).</summary>
public static class RentalIds
{
    /// <summary><c>{car}/{renter}/{start ms}</c>.</summary>
    /// <param name="rental">The rental.</param>
    /// <returns>Its id.</returns>
    public static string Of(Rental rental)
    {
        ArgumentNullException.ThrowIfNull(rental);
        return rental.CarId + "/" + rental.Renter + "/" + rental.FromMs.ToString(CultureInfo.InvariantCulture);
    }
}
