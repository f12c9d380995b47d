namespace Tracker.Cloud.Derive.Processors.Odometer;

/// <summary>
/// An operator's reading of a car's dashboard odometer at a fix time: from there the odometer carries on with the GPS
/// distance. Kept with the car (IOdometerReadingStore) and handed to the engine in the <see cref="Engine.DeriveContext"/>.
/// </summary>
/// <param name="CarId">The car.</param>
/// <param name="AtTs">When the reading was taken, UTC epoch ms.</param>
/// <param name="ValueM">The reading, m.</param>
/// <param name="By">Who set it.</param>
public sealed record OdometerReading(string CarId, long AtTs, double ValueM, string By);
