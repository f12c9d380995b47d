namespace Tracker.Core.Wire
{
    /// <summary>
    /// Why <see cref="BatchDecoder"/> rejected a message. The decoder reports one of these instead of
    /// throwing, whatever bytes it is given.
    /// </summary>
    public enum BatchError
    {
        /// <summary>The message was decoded.</summary>
        None = 0,

        /// <summary>The message has no bytes at all.</summary>
        Empty = 1,

        /// <summary>
        /// The input ends before the batch does: it was cut short, or a garbled byte made the batch
        /// look longer than it is.
        /// </summary>
        Truncated = 2,

        /// <summary>The first byte names a format version this decoder does not know.</summary>
        UnsupportedVersion = 3,

        /// <summary>The CRC-32 in the header does not match the bytes: the message was garbled.</summary>
        ChecksumMismatch = 4,

        /// <summary>The header claims more fixes than <see cref="BatchFormat.MaxFixes"/>.</summary>
        CountTooLarge = 5,

        /// <summary>The caller's output array is shorter than the batch's count (ask <see cref="BatchDecoder.TryReadCount"/> first).</summary>
        OutputTooSmall = 6,

        /// <summary>
        /// The checksum matches but the bit stream breaks the format: a reserved code, an over-long
        /// number, or non-zero padding. Only a faulty encoder produces this.
        /// </summary>
        Malformed = 7,

        /// <summary>
        /// The checksum matches but a decoded value lies outside its field's domain (latitude beyond
        /// 90 degrees, a negative speed...). Only a faulty encoder produces this.
        /// </summary>
        FieldOutOfRange = 8,

        /// <summary>The batch is complete and intact, but more bytes follow it.</summary>
        TrailingBytes = 9,
    }
}
