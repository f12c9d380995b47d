namespace Tracker.Cloud.Core.Access;

/// <summary>
/// Builds an <see cref="Identity"/> from JWT claims as API Gateway's HTTP API JWT authorizer passes
/// them (<c>requestContext.authorizer.jwt.claims</c>: every value a string, an array flattened to
/// <c>[a b]</c>). The local host's dev tokens (Tracker.Cloud.Local) give the same shape.
/// </summary>
public static class IdentityClaims
{
    /// <summary>The subject claim: the user id.</summary>
    public const string Subject = "sub";

    /// <summary>Our roles claim: <c>operator</c> and/or <c>renter</c>.</summary>
    public const string RolesClaim = "roles";

    /// <summary>Cognito's group claim, read as well so a user pool's groups work as roles.</summary>
    public const string CognitoGroups = "cognito:groups";

    /// <summary>The role name of <see cref="Role.Operator"/>.</summary>
    public const string OperatorName = "operator";

    /// <summary>The role name of <see cref="Role.Renter"/>.</summary>
    public const string RenterName = "renter";

    /// <summary>Reads the identity. Never throws on claim content.</summary>
    /// <param name="claims">The claims (null when the request carried none).</param>
    /// <param name="identity">The identity, when the claims hold a subject.</param>
    /// <param name="error">Why not, or empty.</param>
    /// <returns>True when there is a subject. A subject with no known role is an identity with <see cref="Role.None"/>.</returns>
    public static bool TryRead(IReadOnlyDictionary<string, string>? claims, out Identity? identity, out string error)
    {
        identity = null;
        if (claims is null || !claims.TryGetValue(Subject, out string? sub) || string.IsNullOrWhiteSpace(sub))
        {
            error = "the token has no subject (sub) claim";
            return false;
        }

        Role roles = Role.None;
        foreach (string claim in new[] { RolesClaim, CognitoGroups })
        {
            if (claims.TryGetValue(claim, out string? value) && value is not null)
            {
                roles |= ParseRoles(value);
            }
        }

        identity = new Identity(sub, roles);
        error = string.Empty;
        return true;
    }

    /// <summary>Parses a role list: <c>operator</c>, <c>[operator renter]</c>, <c>operator,renter</c> or <c>["operator","renter"]</c>.</summary>
    /// <param name="value">The claim value.</param>
    /// <returns>The known roles in it; unknown names are ignored.</returns>
    public static Role ParseRoles(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Role roles = Role.None;
        foreach (string part in value.Split([' ', ',', '[', ']', '"'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(part, OperatorName, StringComparison.OrdinalIgnoreCase) || string.Equals(part, "operators", StringComparison.OrdinalIgnoreCase))
            {
                roles |= Role.Operator;
            }
            else if (string.Equals(part, RenterName, StringComparison.OrdinalIgnoreCase) || string.Equals(part, "renters", StringComparison.OrdinalIgnoreCase))
            {
                roles |= Role.Renter;
            }
        }

        return roles;
    }
}
