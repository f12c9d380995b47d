namespace Tracker.Cloud.Local.Options;

/// <summary>A command-line option is wrong; the message names it and says what is expected.</summary>
public sealed class LocalOptionsException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="option">The option, as typed (<c>--cars</c>).</param>
    /// <param name="problem">What is wrong with it.</param>
    public LocalOptionsException(string option, string problem)
        : base(option + " " + problem)
    {
        Option = option;
    }

    /// <summary>The option at fault.</summary>
    public string Option { get; }
}
