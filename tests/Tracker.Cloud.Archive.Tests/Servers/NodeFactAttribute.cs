namespace Tracker.Cloud.Archive.Tests.Servers;

/// <summary>A fact that needs node (s3rver, dynalite): skipped with the reason when node is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NodeFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when node is absent.</summary>
    public NodeFactAttribute()
    {
        if (Node.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
