namespace Tracker.Provisioning.Inventory;

/// <summary>Where an issued identity stands.</summary>
public enum IdentityStatus
{
    /// <summary>The car's current identity.</summary>
    Active,

    /// <summary>Replaced by a newer identity of the same car (<c>device create --rotate</c>); its bundle is in the car's history folder. Not revoked: revoke it by serial if the old key may have leaked.</summary>
    Rotated,

    /// <summary>Revoked: listed in the CRL. Revoke it in IoT Core too (its certificate id is the fingerprint).</summary>
    Revoked,
}
