namespace Tracker.Cloud.Lambda.Functions;

/// <summary>How every function's settings read a variable they cannot start without.</summary>
internal static class EnvironmentVariable
{
    /// <summary>The variable's value, as set; a missing or blank one fails the start with a message naming it.</summary>
    /// <param name="environment">Looks up a variable.</param>
    /// <param name="name">The variable.</param>
    /// <param name="need">What needs it, for the message (after "is not set: ").</param>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The variable is missing or blank.</exception>
    public static string Required(Func<string, string?> environment, string name, string need)
    {
        string? value = environment(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"environment variable {name} is not set: {need}");
        }

        return value;
    }
}
