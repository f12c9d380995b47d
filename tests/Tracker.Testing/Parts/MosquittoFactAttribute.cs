
namespace Tracker.Testing;

/// <summary>
/// A fact that needs mosquitto: skipped without it, saying so, except under CI=true, where it runs and fails with the
/// install command (tests/Tracker.Testing's rule), so a CI image without the package cannot pass by skipping.
/// </summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    /// <summary>Skips unless mosquitto is installed or this is CI.</summary>
    public MosquittoFactAttribute()
    {
        if (PartCatalog.Current.SkipReason([Part.Mosquitto]) is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Also needs ../shared/data/<paramref name="sharedData"/>; skipped (even on CI) when it is absent, as on a user's clone.</summary>
    public MosquittoFactAttribute(string sharedData)
        : this()
    {
        if (Skip is null && SharedFolder.SkipReason("data/" + sharedData) is { } reason)
        {
            Skip = reason;
        }
    }
}
