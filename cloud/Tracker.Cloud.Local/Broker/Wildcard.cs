namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// IAM-style wildcard matching (IAM user guide, "IAM JSON policy elements: Resource"): <c>*</c> matches any run of
/// characters, <c>/</c> included, and <c>?</c> any one character; everything else matches itself. Linear backtracking on
/// the last <c>*</c>, so time is bounded by the product of the two lengths, never exponential.
/// </summary>
public static class Wildcard
{
    /// <summary>Does <paramref name="text"/> match <paramref name="pattern"/>?</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="text">The text.</param>
    /// <param name="ignoreCase">Compare letters without case (IAM actions), or exactly (resources).</param>
    /// <returns>True on a match of the whole text.</returns>
    public static bool IsMatch(string pattern, string text, bool ignoreCase)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
