namespace Tracker.Cloud.Derive;

/// <summary>A car's state kept changing under one step: more writers for one car than the retries allow.</summary>
public sealed class DeriveConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="attempts">Attempts made.</param>
    public DeriveConflictException(string carId, int attempts)
        : base("car " + carId + ": lost " + attempts + " conditional writes of its derive state in a row")
    {
        CarId = carId;
    }

    /// <summary>Creates the exception.</summary>
    public DeriveConflictException()
        : base("a car's derive state kept changing")
    {
        CarId = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeriveConflictException(string message)
        : base(message)
    {
        CarId = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeriveConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
        CarId = string.Empty;
    }

    /// <summary>The car.</summary>
    public string CarId { get; }
}
