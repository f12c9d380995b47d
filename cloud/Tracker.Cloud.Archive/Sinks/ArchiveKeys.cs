namespace Tracker.Cloud.Archive.Sinks;

/// <summary>The shape every sink accepts for a key or a folder: relative, <c>/</c>-separated, no empty, <c>.</c> or <c>..</c> segment.</summary>
internal static class ArchiveKeys
{
    /// <summary>Throws unless <paramref name="key"/> is a relative object key.</summary>
    public static void CheckKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.EndsWith('/'))
        {
            throw new ArgumentException($"'{key}' is a folder, not an object key", nameof(key));
        }

        CheckSegments(key, nameof(key));
    }

    /// <summary>Throws unless <paramref name="folder"/> is empty (the root) or a relative folder ending in <c>/</c>.</summary>
    public static void CheckFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (folder.Length == 0)
        {
            return;
        }

        if (!folder.EndsWith('/'))
        {
            throw new ArgumentException($"folder '{folder}' must end with '/'", nameof(folder));
        }

        CheckSegments(folder[..^1], nameof(folder));
    }

    private static void CheckSegments(string path, string parameter)
    {
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == ".." || segment.Contains('\\', StringComparison.Ordinal) || segment.Any(char.IsControl))
            {
                throw new ArgumentException($"'{path}' is not a relative '/'-separated key (an empty, '.', '..' or backslash segment, or a control character)", parameter);
            }
        }
    }
}
