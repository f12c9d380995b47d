using Tracker.Cloud.Derive.Processors.Odometer;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>Operators' dashboard odometer readings (issue 17): the Derive context hands a car's readings to the odometer processor.</summary>
public interface IOdometerReadingStore
{
    /// <summary>Keeps a reading (a second reading at the same time replaces the first).</summary>
    /// <param name="reading">The reading.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    Task PutReadingAsync(OdometerReading reading, CancellationToken cancellationToken);

    /// <summary>A car's readings, oldest first.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The readings.</returns>
    Task<IReadOnlyList<OdometerReading>> GetReadingsAsync(string carId, CancellationToken cancellationToken);
}
