
namespace Tracker.Testing;

/// <summary>A theory that needs mosquitto: skipped without it, except on CI (see <see cref="MosquittoFactAttribute"/>).</summary>
public sealed class MosquittoTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless mosquitto is installed or this is CI.</summary>
    public MosquittoTheoryAttribute()
    {
        if (PartCatalog.Current.SkipReason([Part.Mosquitto]) is { } reason)
        {
            Skip = reason;
        }
    }
}
