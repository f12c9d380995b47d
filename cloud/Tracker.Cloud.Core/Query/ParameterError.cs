namespace Tracker.Cloud.Core.Query;

/// <summary>One bad request parameter (the API lists them in the problem body's <c>errors</c> member).</summary>
/// <param name="Name">The parameter: <c>carId</c>, <c>start</c>, <c>end</c>, <c>limit</c> or <c>cursor</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record ParameterError(string Name, string Message);
