using System.Globalization;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Lambda.Live;

/// <summary>Reads a rental from a stream image (the attributes <c>Tracker.Cloud.DynamoDb</c>'s <c>DynamoDbStore</c> writes).</summary>
public static class RentalImage
{
    /// <summary>Reads the image; false when it is absent or lacks a field (it then grants nothing to anyone).</summary>
    /// <param name="image">The image, or null.</param>
    /// <param name="rental">The rental.</param>
    /// <returns>Whether it is a rental.</returns>
    public static bool TryRead(Dictionary<string, StreamAttributeValue>? image, out Rental? rental)
    {
        rental = null;
        if (image is null
            || !image.TryGetValue("carId", out StreamAttributeValue? car) || string.IsNullOrEmpty(car.S)
            || !image.TryGetValue("renter", out StreamAttributeValue? renter) || string.IsNullOrEmpty(renter.S)
            || !TryLong(image, "fromMs", out long from) || !TryLong(image, "toMs", out long to))
        {
            return false;
        }

        rental = new Rental(car.S, renter.S, from, to);
        return true;
    }

    private static bool TryLong(Dictionary<string, StreamAttributeValue> image, string name, out long value)
    {
        value = 0;
        return image.TryGetValue(name, out StreamAttributeValue? v) && long.TryParse(v.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
