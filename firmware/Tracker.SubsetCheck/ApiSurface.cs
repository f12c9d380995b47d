namespace Tracker.SubsetCheck;

/// <summary>
/// The device's API surface: one documentation ID per line (<c>T:</c>, <c>M:</c>, <c>F:</c>,
/// <c>P:</c>, <c>E:</c>), a tab, then the nanoFramework assembly that defines it on the device
/// (the host build resolves the same names from System.Runtime, so the assembly says which
/// package a project must list). Lines that start with '#' are comments.
/// </summary>
public sealed class ApiSurface
{
    private readonly Dictionary<string, string> _ids;
    private readonly Dictionary<string, List<string>> _membersByName;

    private ApiSurface(Dictionary<string, string> ids)
    {
        _ids = ids;
        _membersByName = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string id in ids.Keys)
        {
            if (id.StartsWith("M:", StringComparison.Ordinal) || id.StartsWith("F:", StringComparison.Ordinal))
            {
                string key = NameWithoutParameters(id);
                if (!_membersByName.TryGetValue(key, out List<string>? list))
                {
                    list = [];
                    _membersByName.Add(key, list);
                }

                list.Add(id);
            }
        }

        foreach (List<string> list in _membersByName.Values)
        {
            list.Sort(StringComparer.Ordinal);
        }
    }

    /// <summary>Number of documentation IDs in the list.</summary>
    public int Count => _ids.Count;

    /// <summary>Reads a surface list.</summary>
    /// <param name="path">The TSV file.</param>
    /// <returns>The surface.</returns>
    /// <exception cref="SubsetCheckInputException">The file cannot be read or has no entries.</exception>
    public static ApiSurface Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SubsetCheckInputException($"cannot read the API surface list {path}: {e.Message}", e);
        }

        return Parse(lines, path);
    }

    /// <summary>Builds a surface from lines in the TSV format (for tests and tools).</summary>
    /// <param name="lines">The lines.</param>
    /// <param name="origin">Where they came from, for error messages.</param>
    /// <returns>The surface.</returns>
    /// <exception cref="SubsetCheckInputException">A line is not a documentation ID, or there is none.</exception>
    public static ApiSurface Parse(IEnumerable<string> lines, string origin)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string raw in lines)
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            string id = (tab < 0 ? line : line[..tab]).Trim();
            if (id.Length < 3 || id[1] != ':' || "TMFPE".IndexOf(id[0], StringComparison.Ordinal) < 0)
            {
                throw new SubsetCheckInputException($"{origin}({lineNumber}): not a documentation ID: '{Shorten(line)}'");
            }

            string assembly = tab < 0 ? string.Empty : line[(tab + 1)..].Trim();
            ids[id] = assembly;
        }

        if (ids.Count == 0)
        {
            throw new SubsetCheckInputException($"{origin}: the API surface list has no entries");
        }

        return new ApiSurface(ids);
    }

    /// <summary>True when the documentation ID is on the device.</summary>
    /// <param name="documentationId">E.g. <c>M:System.String.Substring(System.Int32,System.Int32)</c>.</param>
    /// <returns>Whether the list has it.</returns>
    public bool Contains(string documentationId) => _ids.ContainsKey(documentationId);

    /// <summary>The device assembly that defines a documentation ID (the list's second column).</summary>
    /// <param name="documentationId">A documentation ID in the list.</param>
    /// <returns>The assembly name, or null when the ID is not in the list or the line named none.</returns>
    public string? AssemblyOf(string documentationId) =>
        _ids.TryGetValue(documentationId, out string? assembly) && assembly.Length > 0 ? assembly : null;

    /// <summary>The device's members with the same type and name (other overloads), for hints.</summary>
    /// <param name="documentationId">A member's documentation ID.</param>
    /// <returns>The overloads the device has, sorted; empty when none.</returns>
    public IReadOnlyList<string> OverloadsOf(string documentationId) =>
        _membersByName.TryGetValue(NameWithoutParameters(documentationId), out List<string>? list) ? list : [];

    private static string NameWithoutParameters(string id)
    {
        int end = id.IndexOfAny(['(', '~']);
        return end < 0 ? id : id[..end];
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
