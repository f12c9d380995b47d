namespace Tracker.Integration.Tests.Broker;

/// <summary>A theory that needs mosquitto: skipped without it, except on CI (see <see cref="MosquittoFactAttribute"/>).</summary>
public sealed class MosquittoTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless mosquitto is installed or this is CI.</summary>
    public MosquittoTheoryAttribute()
    {
        if (MosquittoBroker.FindExecutable() is null && !MosquittoFactAttribute.IsCi)
        {
            Skip = MosquittoBroker.MissingMessage + " (skipped; on CI, where CI=true, this fails)";
        }
    }
}
