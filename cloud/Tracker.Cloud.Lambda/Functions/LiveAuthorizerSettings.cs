using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// What the live authorizer function needs from its environment, beyond the table names of
/// <see cref="FunctionSettings"/> (it reads only the rentals table): the user pool's issuer, the app
/// client ids, and the account's IoT resource ARN prefix. Each is required; a missing or bad one fails
/// the function's start with a message naming the variable.
/// </summary>
public sealed class LiveAuthorizerSettings
{
    /// <summary>Environment variable holding the user pool issuer, <c>https://cognito-idp.{region}.amazonaws.com/{poolId}</c>.</summary>
    public const string IssuerVariable = "TRACKER_USER_POOL_ISSUER";

    /// <summary>Environment variable holding the accepted app client ids, comma-separated.</summary>
    public const string ClientIdsVariable = "TRACKER_USER_POOL_CLIENT_IDS";

    /// <summary>Environment variable holding <c>arn:aws:iot:{region}:{account}</c>.</summary>
    public const string IotResourcePrefixVariable = "TRACKER_IOT_RESOURCE_PREFIX";

    private LiveAuthorizerSettings(FunctionSettings tables, CognitoTokenOptions tokens, LiveAuthorizerOptions live)
    {
        Tables = tables;
        Tokens = tokens;
        Live = live;
    }

    /// <summary>The table names (only the rentals table is read).</summary>
    public FunctionSettings Tables { get; }

    /// <summary>What tokens are accepted.</summary>
    public CognitoTokenOptions Tokens { get; }

    /// <summary>The authorizer's options.</summary>
    public LiveAuthorizerOptions Live { get; }

    /// <summary>Reads and validates the settings.</summary>
    /// <param name="environment">Looks up a variable.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidOperationException">A variable is missing or invalid; the message names it.</exception>
    public static LiveAuthorizerSettings Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        FunctionSettings tables = FunctionSettings.Read(environment);
        var tokens = new CognitoTokenOptions
        {
            Issuer = Required(environment, IssuerVariable),
            ClientIds = Required(environment, ClientIdsVariable).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        var live = new LiveAuthorizerOptions { IotResourcePrefix = Required(environment, IotResourcePrefixVariable) };
        Check(tokens.Validate, IssuerVariable + " or " + ClientIdsVariable);
        Check(live.Validate, IotResourcePrefixVariable);
        return new LiveAuthorizerSettings(tables, tokens, live);
    }

    private static void Check(Action validate, string variables)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"bad value in the function's environment ({variables}): {e.Message}", e);
        }
    }

    private static string Required(Func<string, string?> environment, string name) =>
        EnvironmentVariable.Required(environment, name, "the live authorizer needs it (the CDK stack sets it)").Trim();
}
