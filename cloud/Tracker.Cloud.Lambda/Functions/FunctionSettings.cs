using Tracker.Cloud.DynamoDb;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// What a deployed function needs from its environment: the three table names the CDK stack
/// passes as environment variables. Each is required (no silent defaults for table names) and a
/// missing or bad one fails the function's start with a message naming the variable.
/// </summary>
public sealed class FunctionSettings
{
    /// <summary>Environment variable holding the fixes table name.</summary>
    public const string FixesTableVariable = "TRACKER_FIXES_TABLE";

    /// <summary>Environment variable holding the latest-position table name.</summary>
    public const string LatestTableVariable = "TRACKER_LATEST_TABLE";

    /// <summary>Environment variable holding the rentals table name.</summary>
    public const string RentalsTableVariable = "TRACKER_RENTALS_TABLE";

    private FunctionSettings(DynamoDbStoreOptions store) => Store = store;

    /// <summary>The DynamoDB store's options.</summary>
    public DynamoDbStoreOptions Store { get; }

    /// <summary>Reads and validates the settings.</summary>
    /// <param name="environment">Looks up a variable (the process environment in Lambda; a dictionary in tests).</param>
    /// <exception cref="InvalidOperationException">A variable is missing or not a valid table name; the message names it.</exception>
    public static FunctionSettings Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var store = new DynamoDbStoreOptions
        {
            FixesTable = Required(environment, FixesTableVariable),
            LatestTable = Required(environment, LatestTableVariable),
            RentalsTable = Required(environment, RentalsTableVariable),
        };
        try
        {
            store.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"bad table name in the function's environment ({FixesTableVariable}, {LatestTableVariable}, {RentalsTableVariable}): {e.Message}", e);
        }

        return new FunctionSettings(store);
    }

    private static string Required(Func<string, string?> environment, string name) =>
        EnvironmentVariable.Required(environment, name, "the function needs the DynamoDB table name there");
}
