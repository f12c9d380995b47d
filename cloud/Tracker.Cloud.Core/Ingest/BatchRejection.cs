using Tracker.Core.Wire;

namespace Tracker.Cloud.Core.Ingest;

/// <summary>
/// Why a whole message was rejected before any fix was looked at. Nothing of a rejected message is
/// stored; the device cannot fix it by resending, so the Lambda reports it and returns normally.
/// </summary>
public enum BatchRejection
{
    /// <summary>The message was decoded; its fixes went through the filters.</summary>
    None,

    /// <summary>The topic is neither <c>tracker/{car}/fixes</c> nor <c>$aws/rules/{rule}/tracker/{car}/fixes</c> with a valid thing name.</summary>
    BadTopic,

    /// <summary>The topic's car id is not the connection's client id (thing name): a car publishing as another.</summary>
    ForeignCar,

    /// <summary>Larger than <see cref="BatchFormat.MaxPayloadBytes"/> (128 KB, the AWS IoT Core message limit).</summary>
    Oversized,

    /// <summary>No bytes (<see cref="BatchError.Empty"/>).</summary>
    Empty,

    /// <summary>Cut short (<see cref="BatchError.Truncated"/>).</summary>
    Truncated,

    /// <summary>An unknown format version (<see cref="BatchError.UnsupportedVersion"/>).</summary>
    WrongVersion,

    /// <summary>The CRC-32 does not match (<see cref="BatchError.ChecksumMismatch"/>).</summary>
    ChecksumMismatch,

    /// <summary>More fixes than the format allows (<see cref="BatchError.CountTooLarge"/>).</summary>
    CountTooLarge,

    /// <summary>Intact but not well formed: a faulty encoder (<see cref="BatchError.Malformed"/>, <see cref="BatchError.FieldOutOfRange"/>).</summary>
    Malformed,

    /// <summary>Bytes after a complete batch (<see cref="BatchError.TrailingBytes"/>).</summary>
    TrailingBytes,
}
