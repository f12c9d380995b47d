namespace Tracker.Integration.Tests.Broker;

/// <summary>
/// A fact that needs mosquitto. Without it the test is skipped, with the reason, on a developer's
/// machine; on CI (the environment variable CI is "true") it runs and fails with
/// <see cref="MosquittoBroker.MissingMessage"/>, so a CI image without the package cannot pass by
/// skipping.
/// </summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    /// <summary>Skips unless mosquitto is installed or this is CI.</summary>
    public MosquittoFactAttribute()
    {
        if (MosquittoBroker.FindExecutable() is null && !IsCi)
        {
            Skip = MosquittoBroker.MissingMessage + " (skipped; on CI, where CI=true, this fails)";
        }
    }

    /// <summary>Also needs ../shared/data/<paramref name="sharedData"/>; skipped (even on CI) when it is absent, as on a user's clone.</summary>
    public MosquittoFactAttribute(string sharedData)
        : this()
    {
        if (Skip is null && Tracker.Core.Tests.SharedData.File(sharedData) is null)
        {
            Skip = $"../shared/data/{sharedData} is absent (fresh clone without ../shared): skipped";
        }
    }

    /// <summary>True on CI.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
