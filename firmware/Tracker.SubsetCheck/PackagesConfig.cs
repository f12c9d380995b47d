using System.Xml;
using System.Xml.Linq;

namespace Tracker.SubsetCheck;

/// <summary>
/// A nanoFramework project's <c>packages.config</c>: the packages (id and version) it restores. A
/// packages.config restore brings in exactly these, not their dependencies, and the device loads
/// only what the deployment holds, so this list is what the device gets.
/// </summary>
public sealed class PackagesConfig
{
    private readonly Dictionary<string, string> _versions;
    private readonly Dictionary<string, int> _lines;

    private PackagesConfig(string path, Dictionary<string, string> versions, Dictionary<string, int> lines)
    {
        Path = path;
        _versions = versions;
        _lines = lines;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The package ids, in the file's order.</summary>
    public IReadOnlyCollection<string> Ids => _versions.Keys;

    /// <summary>Reads a packages.config.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its packages.</returns>
    /// <exception cref="SubsetCheckInputException">The file cannot be read, is not XML, or has a package without id or version, or one listed twice.</exception>
    public static PackagesConfig Load(string path)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(path, LoadOptions.SetLineInfo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
        {
            throw new SubsetCheckInputException($"cannot read {path}: {e.Message}", e);
        }

        if (document.Root is not { Name.LocalName: "packages" } root)
        {
            throw new SubsetCheckInputException($"{path}: the root element is not <packages>");
        }

        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (XElement package in root.Elements("package"))
        {
            string? id = (string?)package.Attribute("id");
            string? version = (string?)package.Attribute("version");
            if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(version))
            {
                throw new SubsetCheckInputException($"{path}: a <package> has no id or no version");
            }

            if (!versions.TryAdd(id, version))
            {
                throw new SubsetCheckInputException($"{path}: {id} is listed twice");
            }

            lines[id] = ((IXmlLineInfo)package).LineNumber;
        }

        return new PackagesConfig(path, versions, lines);
    }

    /// <summary>True when the file lists the package.</summary>
    /// <param name="id">The package id.</param>
    /// <returns>Whether it is listed.</returns>
    public bool Lists(string id) => _versions.ContainsKey(id);

    /// <summary>The version listed for a package, or null.</summary>
    /// <param name="id">The package id.</param>
    /// <returns>The version text.</returns>
    public string? VersionOf(string id) => _versions.TryGetValue(id, out string? version) ? version : null;

    /// <summary>Where a package is listed (its line), or the file's first line when it is not.</summary>
    /// <param name="id">The package id.</param>
    /// <returns>A source location in the file.</returns>
    public SourceLocation LocationOf(string id) =>
        new(System.IO.Path.GetFullPath(Path), _lines.TryGetValue(id, out int line) && line > 0 ? line : 1, 1);

    /// <summary>True when some listed package ships the assembly.</summary>
    /// <param name="assembly">An assembly name.</param>
    /// <returns>Whether the deployment will hold it.</returns>
    public bool Provides(string assembly)
    {
        foreach (string id in _versions.Keys)
        {
            IReadOnlyList<string>? assemblies = NanoPackages.AssembliesOf(id);
            if (assemblies is not null && assemblies.Contains(assembly, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The line to add for a package, as nanoFramework projects write it.</summary>
    /// <param name="id">The package id.</param>
    /// <returns>The XML element.</returns>
    public static string LineFor(string id) => $"<package id=\"{id}\" version=\"...\" targetFramework=\"netnano1.0\" />";
}
