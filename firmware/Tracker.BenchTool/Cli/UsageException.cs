namespace Tracker.BenchTool.Cli;

/// <summary>The command line is wrong: the message says what and how to fix it. Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
