namespace Tracker.SubsetCheck;

/// <summary>
/// <c>reference/nanoframework-package-deps.tsv</c>: each nanoFramework package, a tab, then the
/// nanoFramework packages it depends on (comma-separated, '-' for none), read from the packages'
/// own .nuspec files. Lines that start with '#' are comments.
/// </summary>
public sealed class PackageDependencies
{
    private readonly Dictionary<string, string[]> _dependencies;

    private PackageDependencies(string path, Dictionary<string, string[]> dependencies)
    {
        Path = path;
        _dependencies = dependencies;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Reads the list.</summary>
    /// <param name="path">The TSV file.</param>
    /// <returns>The dependencies.</returns>
    /// <exception cref="SubsetCheckInputException">The file cannot be read, a line is malformed, or there is no entry.</exception>
    public static PackageDependencies Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SubsetCheckInputException($"cannot read the package dependency list {path}: {e.Message}", e);
        }

        return Parse(lines, path);
    }

    /// <summary>Builds the list from lines in the TSV format (for tests).</summary>
    /// <param name="lines">The lines.</param>
    /// <param name="origin">Where they came from, for messages.</param>
    /// <returns>The dependencies.</returns>
    /// <exception cref="SubsetCheckInputException">A line is malformed, or there is no entry.</exception>
    public static PackageDependencies Parse(IEnumerable<string> lines, string origin)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var dependencies = new Dictionary<string, string[]>(StringComparer.Ordinal);
        int number = 0;
        foreach (string raw in lines)
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] columns = line.Split('\t');
            if (columns.Length != 2 || columns[0].Trim().Length == 0)
            {
                throw new SubsetCheckInputException($"{origin}({number}): expected 'package<TAB>dependencies': '{line}'");
            }

            string list = columns[1].Trim();
            string[] ids = list == "-"
                ? []
                : [.. list.Split(',').Select(d => d.Trim()).Where(d => d.Length > 0)];
            dependencies[columns[0].Trim()] = ids;
        }

        if (dependencies.Count == 0)
        {
            throw new SubsetCheckInputException($"{origin}: the package dependency list has no entries");
        }

        return new PackageDependencies(origin, dependencies);
    }

    /// <summary>The packages a package depends on, or null when the list does not know it.</summary>
    /// <param name="id">The package id.</param>
    /// <returns>Its dependencies.</returns>
    public IReadOnlyList<string>? Of(string id) => _dependencies.TryGetValue(id, out string[]? ids) ? ids : null;
}
