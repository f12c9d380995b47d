namespace Tracker.Cloud.Core.Access;

/// <summary>What a user may be (DESIGN.md, "Who uses it").</summary>
[Flags]
public enum Role
{
    /// <summary>No known role: sees nothing.</summary>
    None = 0,

    /// <summary>Fleet operator: sees every car, at any time.</summary>
    Operator = 1,

    /// <summary>Renter: sees the cars they rent, only while the rental lasts.</summary>
    Renter = 2,
}
