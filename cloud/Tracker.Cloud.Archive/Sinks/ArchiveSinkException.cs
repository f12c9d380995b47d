namespace Tracker.Cloud.Archive.Sinks;

/// <summary>
/// A sink could not write, list or delete an object (S3 refused it, the disk is full...). The message
/// names the operation and the object's location; the cause is the inner exception. The export that
/// hit it has failed: no manifest was written for the day, so nothing points at a half-written state.
/// </summary>
public sealed class ArchiveSinkException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The operation and the location.</param>
    /// <param name="innerException">The cause.</param>
    public ArchiveSinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The operation and the location.</param>
    public ArchiveSinkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ArchiveSinkException()
        : base("the archive sink failed")
    {
    }
}
